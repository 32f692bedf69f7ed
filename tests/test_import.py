"""`policyclip import`: articles of every kind -> a draft brief that passes `check`."""

from __future__ import annotations

import http.server
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
import yaml

from import_fixtures import (
    BRACKET_SECTIONS_PAGE,
    ENGLISH_PAGE,
    GBK_PAGE,
    GOV_CN_NEWS_PAGE,
    GOV_CN_PAGE,
    GOVUK_PAGE,
    IMAGE_ONLY_PAGE,
    PAYMENT_WINDOW_PAGE,
    PORTAL_NOTICE_PAGE,
    PROVINCIAL_JIEDU,
    WECHAT_BRACKET_TEXT,
    WECHAT_SAVED_PAGE,
    WECHAT_TEXT,
)
from policyclip.brief import load_brief
from policyclip.errors import SourceError
from policyclip.importer import FetchLimits, Imported, import_source
from policyclip.importer.html import decode_page


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "policyclip", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300, check=False)


def imported(tmp_path: Path, name: str, data: str | bytes) -> tuple[Imported, dict[str, object]]:
    """Import a file written into tmp_path; return the result and the YAML it drafted."""
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    result = import_source(str(path))
    brief = tmp_path / (path.stem + ".yaml")
    brief.write_text(result.yaml, encoding="utf-8")
    load_brief(brief)  # passes check as written
    return result, yaml.safe_load(result.yaml)


def comment_above(text: str, line_start: str) -> str:
    """The comment line just above the first line that starts with line_start."""
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(line_start))
    assert lines[index - 1].lstrip().startswith("#"), lines[index - 1]
    return lines[index - 1]


# ------------------------------------------------------------------ web pages


def test_gov_cn_policy_library_page(tmp_path: Path) -> None:
    result, brief = imported(tmp_path, "policy.html", GOV_CN_PAGE)
    assert brief["title"] == "国务院办公厅关于发展银发经济增进老年人福祉的意见"
    assert brief["issuer"] == "国务院办公厅"
    assert brief["doc_number"] == "国办发〔2024〕1号"
    assert "brackets normalised to 〔〕" in comment_above(result.yaml, "doc_number:")
    assert "发文字号, from the page's metadata table" in comment_above(result.yaml, "doc_number:")
    assert str(brief["published"]) == "2024-01-15"
    assert {k: str(v) for k, v in brief["effective"].items()} == {"from": "2024-01-11"}
    assert "自印发之日起施行" in comment_above(result.yaml, "effective:")
    assert brief["source_url"] == "https://www.gov.cn/zhengce/content/202401/content_6926087.htm"
    assert brief["summary"].startswith("银发经济是向老年人提供产品或服务")
    assert [p["heading"] for p in brief["points"]] == [
        "发展民生事业，解决急难愁盼", "扩大产品供给，提升质量水平", "聚焦多样化需求，培育潜力产业"]
    # `（一）扩大老年助餐服务。` is a run-in heading: the text starts after it.
    assert brief["points"][0]["text"] == \
        "发展社区老年助餐服务，到2025年，全国新增老年助餐点1万个。鼓励餐饮企业参与。"
    assert brief["points"][0]["figure"] == {"value": "1万个", "label": "全国新增老年助餐点"}
    assert brief["points"][1]["figure"] == {"value": "50万元", "label": "符合条件的企业每家最高补助"}
    assert "figure" not in brief["points"][2]
    assert brief["contact"] == "010-66194114；12345政务服务便民热线"
    assert brief["hashtags"] == ["银发经济", "老年人", "养老服务"]
    assert "faq" not in brief and "steps" not in brief
    assert "faq: none, no 问/答 pairs or question headings found" in result.report
    furniture = ("ICP", "首页", "分享", "打印", "字体", "索引号", "此件公开发布")
    assert not any(word in result.yaml.split("points:")[1] for word in furniture)


def test_provincial_jiedu_page_with_questions_and_steps(tmp_path: Path) -> None:
    result, brief = imported(tmp_path, "jiedu.htm", PROVINCIAL_JIEDU)
    assert brief["title"] == "《浙江省灵活就业人员社会保险补贴办法》政策解读"
    assert 'ArticleTitle' in comment_above(result.yaml, "title:")
    assert brief["issuer"] == "浙江省人力资源和社会保障厅"
    assert 'ContentSource' in comment_above(result.yaml, "issuer:")
    assert brief["doc_number"] == "浙人社发〔2024〕35号"
    assert str(brief["published"]) == "2024-11-20"
    assert {k: str(v) for k, v in brief["effective"].items()} == {
        "from": "2025-01-01", "to": "2027-12-31"}
    # The closing 现解读如下 is not part of the summary.
    assert brief["summary"] == ("近日，省人力社保厅、省财政厅联合印发《浙江省灵活就业人员社会保险补贴办法》"
                                "（浙人社发〔2024〕35号，以下简称《办法》）。")
    assert [p["heading"] for p in brief["points"]] == ["出台背景", "补贴对象", "补贴标准"]
    assert brief["points"][2]["figure"] == {"value": "800元", "label": "每人每月最高补贴"}
    assert brief["faq"] == [
        {"q": "已经领取失业保险金的人员能否申请？", "a": "不能。领取失业保险金期间不得同时享受本补贴。"},
        {"q": "补贴多久发放一次？", "a": "按月发放，直接打入本人社会保障卡银行账户。"}]
    assert brief["steps"] == ["登录浙江政务服务网，搜索“社会保险补贴”", "填写申请表并上传身份证明材料",
                              "人力社保部门审核通过后，按月发放补贴"]
    assert brief["contact"] == "12333人力资源和社会保障服务热线"
    assert brief["hashtags"] == ["社保补贴", "灵活就业", "政策解读"]
    assert "points: '五、常见问题' left out, its section became the faq or the steps" in result.report
    assert "audience" not in brief
    assert "audience: not drafted, the sentence under '补贴对象' is too long to shorten without " \
        "changing it" in result.report


def test_gov_cn_news_page_without_headings(tmp_path: Path) -> None:
    result, brief = imported(tmp_path, "news.html", GOV_CN_NEWS_PAGE)
    assert brief["title"] == "个人养老金制度12月15日起全面实施"
    assert brief["issuer"] == "新华社"
    assert "news outlet" in comment_above(result.yaml, "issuer:")
    assert str(brief["published"]) == "2024-12-13"
    assert {k: str(v) for k, v in brief["effective"].items()} == {"from": "2024-12-15"}
    assert brief["summary"].startswith("记者12日从人力资源社会保障部获悉")  # no dateline
    assert "dateline '新华社北京12月12日电（记者 姜琳）'" in comment_above(result.yaml, "summary:")
    assert [p["heading"] for p in brief["points"]] == [
        "通知明确", "参加人每年缴纳个人养老金额度上限为12000元", "通知还明确"]
    assert brief["points"][1]["figure"] == {"value": "12000元",
                                            "label": "参加人每年缴纳个人养老金额度上限"}
    assert any(line.startswith("points: 3 from paragraphs (no headings found)")
               for line in result.report)
    assert "纠错" not in result.yaml and "责任编辑" not in result.yaml and "字号" not in result.yaml


def test_wechat_article_saved_from_the_browser(tmp_path: Path) -> None:
    result, brief = imported(tmp_path, "wechat.html", WECHAT_SAVED_PAGE)
    assert brief["title"] == "@所有人，这笔补贴怎么领？一文看懂"
    assert "title: \"@所有人" in result.yaml  # quoted: @ cannot start a plain YAML value
    assert brief["issuer"] == "杭州市商务局"
    assert str(brief["published"]) == "2024-08-02"
    assert brief["source_url"] == "https://mp.weixin.qq.com/s/AbCdEf123"
    assert [p["heading"] for p in brief["points"]] == ["补贴范围", "补贴标准"]
    assert brief["points"][1]["figure"] == {"value": "2000元", "label": "单件补贴最高不超过"}
    assert brief["steps"] == ["打开支付宝搜索“杭州消费券”", "实名认证后领取补贴资格", "到参与门店购买时核销"]
    assert {k: str(v) for k, v in brief["effective"].items()} == {
        "from": "2024-08-05", "to": "2024-12-31"}
    assert "pictures: 1 in the article, not imported (save the ones you want beside the brief "\
        "and add image:)" in result.report
    assert "扫一扫" not in result.yaml and "编辑" not in result.yaml.split("summary:")[1]


def test_provincial_disclosure_table_with_effective_dates(tmp_path: Path) -> None:
    page = """<html><head><meta charset="utf-8"><title>某省就业补助资金管理办法_省政府文件_某省人民政府</title>
<meta name="ColumnName" content="省政府文件"></head><body>
<table class="xxgk_table"><tr><td>索引号：</td><td>11000000/2024-01234</td><td>发布机构：</td><td>某省人民政府办公厅</td></tr>
<tr><td>成文日期：</td><td>2024-06-01</td><td>文号：</td><td>某政办发（2024）20号</td></tr>
<tr><td>生效日期：</td><td>2024-07-01</td><td>废止日期：</td><td>2029-06-30</td></tr></table>
<div id="zoom"><p>为规范就业补助资金管理，提高资金使用效益，制定本办法。</p>
<p>第一条 就业补助资金用于职业培训补贴、社会保险补贴和公益性岗位补贴等支出。</p>
<p>第二条 职业培训补贴标准为每人最高3000元。</p>
<p>第三条 本办法自2024年7月1日起施行，有效期5年。</p></div></body></html>"""
    result, brief = imported(tmp_path, "rules.html", page)
    assert brief["title"] == "某省就业补助资金管理办法"
    assert brief["issuer"] == "某省人民政府办公厅"
    assert brief["doc_number"] == "某政办发〔2024〕20号"
    assert str(brief["published"]) == "2024-06-01"
    assert "成文日期" in comment_above(result.yaml, "published:")
    assert {k: str(v) for k, v in brief["effective"].items()} == {
        "from": "2024-07-01", "to": "2029-06-30"}
    assert comment_above(result.yaml, "effective:").startswith(
        "# 生效日期, from the page's metadata table; 废止日期, from the page's metadata table")
    assert any(line.startswith("points: 3 from the 第X条 headings") for line in result.report)
    assert [p["heading"] for p in brief["points"]][:2] == [
        "就业补助资金用于职业培训补贴、社会保险补贴和公益性岗位补贴等支出", "职业培训补贴标准为每人最高3000元"]
    assert brief["points"][1]["figure"] == {"value": "3000元", "label": "职业培训补贴标准为每人最高"}


def test_gbk_page_is_decoded_from_its_meta_tag(tmp_path: Path) -> None:
    data = GBK_PAGE.encode("gb18030")
    assert decode_page(data) == (GBK_PAGE, "gb18030")  # declared gb2312, read as its superset
    result, brief = imported(tmp_path, "notice.html", data)
    assert brief["title"] == "关于开展2024年消费券发放活动的通告"
    assert brief["issuer"] == "XX市商务局"
    assert str(brief["published"]) == "2024-03-05"
    assert {k: str(v) for k, v in brief["effective"].items()} == {
        "from": "2024-03-08", "to": "2024-05-31"}
    assert [p["heading"] for p in brief["points"]] == ["发放时间", "发放金额", "领取方式"]
    assert brief["points"][1]["figure"] == {"value": "2000万元", "label": "本次共发放消费券"}
    assert brief["contact"] == "0571-87654321"
    assert "doc_number" not in brief
    assert "doc_number: none, no 发文字号 like 〔2024〕10号 found" in result.report


def test_charset_from_the_http_header_wins_over_a_wrong_guess() -> None:
    page = "<html><body><p>稳就业政策解读</p></body></html>"
    assert decode_page(page.encode("gbk"), "GBK") == (page, "gb18030")
    assert decode_page(page.encode("utf-8"), None) == (page, "utf-8")


def test_english_page_by_trafilatura(tmp_path: Path) -> None:
    result, brief = imported(tmp_path, "childcare.html", ENGLISH_PAGE)
    assert brief["title"] == "Childcare subsidy for working parents"
    assert brief["issuer"] == "Riverton Department of Family Services"
    assert brief["language"] == "en-US"
    assert str(brief["published"]) == "2025-03-03"
    assert {k: str(v) for k, v in brief["effective"].items()} == {
        "from": "2025-04-01", "to": "2026-03-31"}
    assert brief["audience"] == "Parents who live in Riverton and work at least 20 hours a week can apply"
    assert [p["heading"] for p in brief["points"]] == ["Who can apply", "How much you get"]
    assert brief["points"][1]["figure"] == {"value": "$3,000", "label": "Families"}
    assert brief["steps"] == ["Create an account on the city services portal",
                              "Upload proof of address and proof of work",
                              "Choose your childcare provider and submit the form"]
    assert brief["contact"] == "the family services hotline on 12345 from Monday to Friday"
    assert "Privacy" not in result.yaml and "All rights reserved" not in result.yaml


def test_english_questions_as_headings(tmp_path: Path) -> None:
    page = """<html lang="en"><head><meta charset="utf-8">
<title>Winter fuel payment: what changes this year - GOV.EXAMPLE</title></head><body>
<div class="breadcrumbs"><a>Home</a> &gt; <a>Benefits</a></div><main id="content">
<h1>Winter fuel payment: what changes this year</h1>
<p>The winter fuel payment will only be paid to people who get Pension Credit or certain other benefits from this winter. Payments are made automatically in November and December.</p>
<h2>What is the winter fuel payment?</h2>
<p>It is a tax-free payment of between £100 and £300 to help older people pay for heating in winter.</p>
<h2>Who will get it?</h2>
<p>People born before 23 September 1958 who get Pension Credit, Universal Credit or Income Support. You do not need to apply if you already get one of these benefits.</p>
<h2>How much will I get?</h2>
<p>Households with someone aged under 80 get £200. Households with someone aged 80 or over get £300.</p>
<h2>What should I do if I think I am eligible for Pension Credit?</h2>
<p>Apply for Pension Credit by 21 December 2024. Call the Pension Credit claim line on 0800 99 1234.</p>
</main><footer>© Crown copyright</footer></body></html>"""
    result, brief = imported(tmp_path, "winter.html", page)
    assert brief["audience"] == ("People born before 23 September 1958 who get Pension Credit, "
                                 "Universal Credit or Income Support")
    assert [p["heading"] for p in brief["points"]] == [
        "What is the winter fuel payment?", "Who will get it?", "How much will I get?"]
    assert brief["points"][0]["figure"] == {"value": "£100", "label": "tax-free payment"}
    assert brief["faq"] == [{"q": "What should I do if I think I am eligible for Pension Credit?",
                             "a": "Apply for Pension Credit by 21 December 2024. Call the Pension "
                                  "Credit claim line on 0800 99 1234."}]
    assert brief["contact"] == "the Pension Credit claim line on 0800 99 1234"
    assert "points: 3 from the first 问/答 pairs (no headings found); faq keeps the other 1" \
        in result.report


# ------------------------------------------------------------------ other kinds of file


def test_pasted_wechat_article(tmp_path: Path) -> None:
    result, brief = imported(tmp_path, "wechat.txt", WECHAT_TEXT)
    assert brief["title"] == "个人养老金，现在可以在全国参加了！"
    assert brief["issuer"] == "人力资源社会保障部"
    assert str(brief["published"]) == "2024-12-16"
    assert [p["heading"] for p in brief["points"]] == ["谁能参加", "缴费多少", "有哪些优惠"]
    assert brief["points"][1]["figure"] == {"value": "12000元",
                                         "label": "参加人每年缴纳个人养老金的上限"}
    assert brief["steps"] == ["下载“掌上12333”或商业银行手机App", "开立个人养老金账户",
                              "开立个人养老金资金账户，绑定银行卡"]
    assert brief["contact"] == "12333"
    for furniture in ("点击上方蓝字", "阅读原文", "编辑", "原创"):
        assert furniture not in result.yaml.split("summary:")[1]


def test_bracket_section_headings_become_points_steps_and_audience(tmp_path: Path) -> None:
    result, brief = imported(tmp_path, "xiaofei.txt", WECHAT_BRACKET_TEXT)
    assert [p["heading"] for p in brief["points"]] == ["补贴标准", "谁能参加", "温馨提示"]
    assert brief["points"][0]["text"] == "购买一级能效家电，按成交价的15%给予补贴，每件最高补贴2000元。"
    assert brief["steps"] == ["打开“粤商通”小程序，进入“以旧换新”专区", "实名认证后领取补贴资格",
                              "到参与活动的门店下单，结账时自动抵扣"]
    assert "steps: 3 from the numbered items under '【怎么领】'" in result.report
    # The group, without the clause after it that only sets a limit.
    assert brief["audience"] == "在龙岗区参与活动的门店购买家电的个人消费者"
    assert brief["points"][0]["figure"] == {"value": "15%", "label": "成交价"}  # not 成交价的
    assert "纠错" not in result.yaml and "打印" not in result.yaml
    _, page = imported(tmp_path, "bracket.html", BRACKET_SECTIONS_PAGE)
    assert [p["heading"] for p in page["points"]] == ["补贴标准", "谁能参加"]
    assert page["steps"] == ["打开小程序", "领取资格", "到门店下单"]
    assert page["audience"] == "在龙岗区购买家电的个人消费者"
    assert "字体" not in str(page) and "收藏" not in str(page) and "纠错" not in str(page)


def test_govuk_page_byline_and_contact_section(tmp_path: Path) -> None:
    result, brief = imported(tmp_path, "govuk.html", GOVUK_PAGE)
    assert brief["issuer"] == "Department for Energy Security and Net Zero"
    assert str(brief["published"]) == "2024-10-01"
    assert brief["summary"].startswith("You could get £150 off your electricity bill")
    assert [p["heading"] for p in brief["points"]] == ["Who can get it", "What you get"]
    assert brief["contact"] == "the Warm Home Discount helpline on 0800 030 9322"
    assert brief["points"][1]["figure"] == {"value": "£150", "label": "discount"}  # not "discount is"
    assert "points: 'Contact' left out, its section is the contact" in result.report


def test_portal_notice_title_suffix_window_and_numbered_contact(tmp_path: Path) -> None:
    result, brief = imported(tmp_path, "notice.html", PORTAL_NOTICE_PAGE)
    assert brief["title"] == "关于发放2025年度职工疗休养补贴的通知"
    assert brief["contact"] == "职工服务热线12351"  # read as 有疑问可以咨询职工服务热线12351。
    assert [p["heading"] for p in brief["points"]] == ["补贴对象", "发放时间"]
    assert "points: '咨询方式' left out, its section is the contact" in result.report
    # 发放时间 is when the money is paid, not the policy's term.
    assert "effective" not in brief
    assert any(line.startswith("effective: '2025年6月1日至2025年8月31日' found, not used")
               for line in result.report)


def test_payment_window_and_boilerplate_introduction(tmp_path: Path) -> None:
    result, brief = imported(tmp_path, "yibao.html", PAYMENT_WINDOW_PAGE)
    assert brief["title"] == "广东省人民政府办公厅关于做好2025年城乡居民医保参保工作的通知"
    assert "effective" not in brief
    assert any(line.startswith("effective: '2024年9月1日至2024年12月31日' found, not used")
               for line in result.report)
    assert brief["summary"] == "2025年度个人缴费标准为每人每年400元。"
    assert "without '为做好2025年度城乡居民基本医疗保险参保缴费工作，现将有关事项通知如下。'" in \
        comment_above(result.yaml, "summary:")
    assert brief["contact"] == "12393"


def test_run_in_sub_headings_and_a_sentence_under_the_audience_label(tmp_path: Path) -> None:
    text = ("国务院办公厅关于实施育儿补贴制度的通知\n来源：国务院办公厅\n"
            "为减轻家庭养育负担，经国务院同意，现就实施育儿补贴制度有关事项通知如下。\n"
            "一、补贴对象和标准\n"
            "（一）补贴对象。对符合法律法规规定生育的3周岁以下婴幼儿发放育儿补贴。\n"
            "（二）补贴标准。育儿补贴按年发放，现阶段国家基础标准为每孩每年3600元。\n"
            "二、申领和发放\n"
            "（一）申领方式。婴幼儿父母一方可通过育儿补贴信息管理系统线上申领。\n")
    result, brief = imported(tmp_path, "yuer.txt", text)
    assert [p["text"] for p in brief["points"]] == [
        "对符合法律法规规定生育的3周岁以下婴幼儿发放育儿补贴。",
        "婴幼儿父母一方可通过育儿补贴信息管理系统线上申领。"]
    assert "audience" not in brief
    assert "audience: not drafted, '对符合法律法规规定生育的3周岁以下婴幼儿发放育儿补贴' under '补贴对象' is a " \
        "sentence, not a group of people; type who the policy is for" in result.report


@pytest.mark.parametrize(("line", "contact"), [
    ("三、咨询方式：职工服务热线12351。", "职工服务热线12351"),
    ("本通知自2025年4月1日起施行。政策咨询电话：12333。", "12333"),
    ("联系电话：010-66194114。", "010-66194114"),
    ("杭州市住房保障服务热线：0571-87012345。", "杭州市住房保障服务热线：0571-87012345"),
    ("Call the helpline on +44 20 7946 0000.", "the helpline on +44 20 7946 0000"),
    ("Phone: 0300 123 4567", "0300 123 4567"),
])
def test_contact_without_numbering_and_lead_ins(tmp_path: Path, line: str, contact: str) -> None:
    english = line.isascii()
    text = ("Help with heating costs\nSource: Energy Office\nThe scheme pays part of the winter "
            "heating bill for households on low incomes.\n" if english else
            "关于补贴的通知\n来源：某市人社局\n为做好补贴发放工作，市人社局决定发放补贴，每人1500元。\n")
    _, brief = imported(tmp_path, "notice.txt", text + line + "\n")
    assert brief["contact"] == contact


def test_closing_clause_of_an_introduction_is_left_out(tmp_path: Path) -> None:
    text = ("关于租金补贴办法的解读\n来源：杭州市住房保障和房产管理局\n"
            "近日，市住保房管局印发了《杭州市区公共租赁住房租金补贴办法》（杭房局〔2024〕108号），"
            "现解读如下。\n一、补贴标准\n每户每月最高2400元。\n二、申请方式\n通过浙里办申请。\n")
    _, brief = imported(tmp_path, "jiedu.txt", text)
    assert brief["summary"] == "近日，市住保房管局印发了《杭州市区公共租赁住房租金补贴办法》（杭房局〔2024〕108号）。"


@pytest.mark.parametrize(("title", "expected"), [
    ("关于发放补贴的通知--北京市人民政府", "关于发放补贴的通知"),
    ("关于发放补贴的通知-北京市人民政府", "关于发放补贴的通知"),
    ("关于发放补贴的通知—上海市人民政府门户网站", "关于发放补贴的通知"),
    ("关于发放补贴的通知——广州市人力资源和社会保障局", "关于发放补贴的通知"),
    ("关于2024-2025年度补贴的通知", "关于2024-2025年度补贴的通知"),
    ("新冠疫苗接种-常见问题", "新冠疫苗接种-常见问题"),
    ("关于发放补贴的通知｜上海市人民政府", "关于发放补贴的通知"),
])
def test_title_without_site_suffix(title: str, expected: str) -> None:
    from policyclip.importer.html import read_page

    page = f"<html><head><title>{title}</title></head><body><p>正文。</p></body></html>"
    assert read_page(page.encode("utf-8")).meta["title"].value == expected


def test_word_jiedu_with_bold_headings(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("关于提高城乡居民基础养老金最低标准的政策解读")
    document.add_paragraph("晋人社发〔2024〕12号")
    document.add_paragraph("为保障城乡老年居民基本生活，省人社厅、省财政厅决定提高城乡居民基础养老金"
                           "最低标准。现就有关问题解读如下。")
    for heading, body in (("一、调整范围", "本省参加城乡居民养老保险、年满60周岁的参保人员。"),
                          ("二、调整标准", "基础养老金最低标准每人每月提高20元，达到163元。"),
                          ("三、发放时间", "自2024年7月1日起执行，按月发放。")):
        document.add_paragraph().add_run(heading).bold = True
        document.add_paragraph(body)
    document.add_paragraph().add_run("怎么领取？").bold = True
    for item in ("1.本人无需申请。", "2.社保经办机构直接发放到社保卡。"):
        document.add_paragraph(item)
    document.add_paragraph("咨询电话：0351-12333。")
    document.add_paragraph("山西省人力资源和社会保障厅")
    document.add_paragraph("2024年6月20日")
    path = tmp_path / "jiedu.docx"
    document.save(str(path))
    result, brief = imported(tmp_path, "jiedu.docx", path.read_bytes())
    assert brief["title"] == "关于提高城乡居民基础养老金最低标准的政策解读"
    assert brief["issuer"] == "山西省人力资源和社会保障厅"
    assert "signature" in comment_above(result.yaml, "issuer:")
    assert brief["doc_number"] == "晋人社发〔2024〕12号"
    assert str(brief["published"]) == "2024-06-20"
    assert {k: str(v) for k, v in brief["effective"].items()} == {"from": "2024-07-01"}
    assert [p["heading"] for p in brief["points"]] == ["调整范围", "调整标准", "发放时间"]
    assert brief["points"][1]["figure"] == {"value": "20元", "label": "基础养老金最低标准每人每月提高"}
    assert brief["steps"] == ["本人无需申请", "社保经办机构直接发放到社保卡"]
    assert brief["contact"] == "0351-12333"


def graduate_notice_docx() -> bytes:
    """A Word notice shaped like a city's 通知: bold `1.` headings, a closing 政策咨询电话 line."""
    import io

    import docx

    document = docx.Document()
    document.add_paragraph().add_run("关于进一步做好高校毕业生就业创业补贴工作的通知").bold = True
    document.add_paragraph("深人社发〔2025〕12号")
    document.add_paragraph("各区人力资源部门、各有关单位：")
    document.add_paragraph("为鼓励高校毕业生在深就业创业，现就有关补贴事项通知如下。")
    for heading, body in (
            ("1.一次性就业补贴", "对毕业2年内的高校毕业生，在我市小微企业就业并缴纳社会保险满6个月的，"
                               "给予每人5000元一次性就业补贴。"),
            ("2.创业补贴", "高校毕业生在我市首次创办企业并正常经营6个月以上的，给予10000元一次性创业资助。"),
            ("3.租房补贴", "新引进的全日制本科学历人才，按每人每年3000元标准发放租房补贴，最长3年。")):
        document.add_paragraph().add_run(heading).bold = True
        document.add_paragraph(body)
    document.add_paragraph("本通知自2025年4月1日起施行，有效期3年。政策咨询电话：12333。")
    document.add_paragraph("深圳市人力资源和社会保障局")
    document.add_paragraph("2025年3月15日")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_word_notice_contact_without_its_label(tmp_path: Path) -> None:
    _, brief = imported(tmp_path, "notice.docx", graduate_notice_docx())
    assert brief["contact"] == "12333"  # read as 有疑问可以咨询12333。
    assert brief["summary"] == ("对毕业2年内的高校毕业生，在我市小微企业就业并缴纳社会保险满6个月的，"
                                "给予每人5000元一次性就业补贴。")
    assert "现就有关补贴事项通知如下" not in brief["summary"]
    # `给予每人5000元一次性就业补贴`: the noun after the figure, not 给予每人 / 给予.
    assert [p.get("figure") for p in brief["points"]] == [
        {"value": "5000元", "label": "一次性就业补贴"}, {"value": "10000元", "label": "一次性创业资助"},
        {"value": "3000元", "label": "每人每年"}]


def styled_word_document() -> bytes:
    """A .docx whose headings use Word's heading styles and whose steps use Word's numbering."""
    import io

    import docx

    document = docx.Document()
    document.add_heading("高龄津贴发放办法", 0)
    document.add_heading("适用对象", 1)
    document.add_paragraph("本市户籍年满80周岁的老年人，每人每月发放高龄津贴100元。")
    document.add_heading("办理流程", 1)
    document.add_paragraph("携带身份证到社区服务中心申请。", style="List Number")
    document.add_paragraph("社区审核后报街道审批。", style="List Number")
    document.add_heading("发放方式", 1)
    document.add_paragraph("按月打入本人社保卡。咨询电话：12345。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_heading_styles_and_numbered_list(tmp_path: Path) -> None:
    result, brief = imported(tmp_path, "styled.docx", styled_word_document())
    assert brief["title"] == "高龄津贴发放办法"
    assert "Title paragraph" in comment_above(result.yaml, "title:")
    assert brief["audience"] == "本市户籍年满80周岁的老年人"
    assert [p["heading"] for p in brief["points"]] == ["适用对象", "发放方式"]
    assert brief["steps"] == ["携带身份证到社区服务中心申请", "社区审核后报街道审批"]
    assert brief["contact"] == "12345"
    assert brief["issuer"] == "（请填写发布机关）"
    assert "issuer: not found (no 发文机关, 来源 or signature); a placeholder was written, type the " \
        "issuing body before you render" in result.report


def test_markdown_headings(tmp_path: Path) -> None:
    text = ("# 稳岗返还政策问答\n\n来源：市人社局\n\n"
            "今年继续实施失业保险稳岗返还政策，企业无需申请即可享受。\n\n"
            "## 返还多少\n\n大型企业按30%返还，中小微企业按60%返还。\n\n"
            "## 什么时候到账\n\n**资金**在审核通过后10个工作日内拨付。\n\n"
            "- 关注 [市人社局官网](https://example.gov.cn) 公示\n")
    result, brief = imported(tmp_path, "faq.md", text)
    assert brief["title"] == "稳岗返还政策问答"
    assert brief["issuer"] == "市人社局"
    assert [p["heading"] for p in brief["points"]] == ["返还多少", "什么时候到账"]
    assert brief["points"][0]["figure"] == {"value": "30%", "label": "大型企业"}
    assert brief["points"][1]["text"] == "资金在审核通过后10个工作日内拨付。"
    assert "*" not in result.yaml and "](" not in result.yaml


def test_text_without_title_or_issuer_gets_marked_placeholders(tmp_path: Path) -> None:
    text = ("随着信息化发展，网络宣传渠道正逐步向移动端转移。目前我国直播用户达到5.6亿。\n"
            "一、网络直播成为新热点\n"
            "一是用户基数巨大。截止2020年3月，我国直播用户占整体人口规模的40%，数量庞大的用户群体"
            "为政务直播创造了基础条件，各地纷纷开始尝试。\n"
            "二、政务公开的新特点\n"
            "一是强化了内容要求。网络直播不能照本宣科，必须构建直播场景。\n")
    result, brief = imported(tmp_path, "article.txt", text.encode("gb18030"))
    assert brief["title"] == "（请填写标题）"
    assert brief["issuer"] == "（请填写发布机关）"
    assert "NOT FOUND in the source" in comment_above(result.yaml, "title:")
    assert "NOT FOUND in the source" in comment_above(result.yaml, "issuer:")
    assert any(line.startswith("title: not found") for line in result.report)
    assert [p["heading"] for p in brief["points"]] == ["网络直播成为新热点", "政务公开的新特点"]
    # A run-in heading alone says too little: the next whole sentence comes with it.
    assert brief["points"][1]["text"] == "强化了内容要求。网络直播不能照本宣科，必须构建直播场景。"
    assert brief["points"][0]["figure"] == {"value": "40%", "label": "我国直播用户占整体人口规模"}


def test_a_time_line_in_the_body_is_content_not_a_byline(tmp_path: Path) -> None:
    text = ("2024年惠民消费季活动通知\n一、活动时间\n时间：2024年3月8日至5月31日\n二、活动内容\n"
            "全市发放消费券2000万元，市民可在指定商户使用。每人每周限领1张。\n"
            "某市商务局\n二〇二四年三月一日\n")
    _, brief = imported(tmp_path, "notice.txt", text)
    assert {k: str(v) for k, v in brief["effective"].items()} == {
        "from": "2024-03-08", "to": "2024-05-31"}
    assert str(brief["published"]) == "2024-03-01"  # the date under the signature
    assert brief["issuer"] == "某市商务局"
    assert [p["text"] for p in brief["points"]] == [
        "时间：2024年3月8日至5月31日", "全市发放消费券2000万元，市民可在指定商户使用。每人每周限领1张。"]


def test_byline_time_and_space_separated_keywords(tmp_path: Path) -> None:
    page = ("<html><head><title>关于做好春节期间物价监管的通知 - 某市人民政府</title>"
            '<meta name="keywords" content="物价 春节 监管"></head><body>'
            '<div class="info"><span>时间：2025-01-10 10:12</span><span>来源：某市市场监管局</span></div>'
            '<div class="main"><p>为保障春节期间市场价格基本稳定，现就有关事项通知如下。</p>'
            "<p>一、加强重点商品价格监测。对粮油肉蛋菜等重点商品每日监测价格，发现异常及时处置。</p>"
            "<p>二、严厉查处价格违法行为。对哄抬价格等行为依法从严查处，并公开曝光典型案例。</p>"
            "<p>价格举报请拨打12315。</p></div></body></html>")
    _, brief = imported(tmp_path, "notice.html", page)
    assert brief["title"] == "关于做好春节期间物价监管的通知"
    assert brief["issuer"] == "某市市场监管局"
    assert str(brief["published"]) == "2025-01-10"
    assert brief["hashtags"] == ["物价", "春节", "监管"]
    assert [p["heading"] for p in brief["points"]] == ["加强重点商品价格监测", "严厉查处价格违法行为"]
    assert brief["contact"] == "12315"


# ------------------------------------------------------------------ the command line


def test_cli_writes_a_brief_that_checks_and_renders(tmp_path: Path) -> None:
    source = tmp_path / "policy.html"
    source.write_text(GOV_CN_PAGE, encoding="utf-8")
    brief = tmp_path / "policy.yaml"
    result = run("import", str(source), "-o", str(brief))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "import: faq: none, no 问/答 pairs or question headings found\n" in result.stderr
    assert "import: points: 3 from the 一、 headings\n" in result.stderr
    assert brief.read_text(encoding="utf-8").startswith("# Drafted by `policyclip import`")
    assert run("check", str(brief)).returncode == 0
    rendered = run("render", str(brief), "--out", str(tmp_path / "out"), "--tts", "none",
                   "--preview", "--quiet")
    assert rendered.returncode == 0, rendered.stderr
    assert (tmp_path / "out" / "policy.mp4").stat().st_size > 0

    again = run("import", str(source), "-o", str(brief))
    assert again.returncode == 3
    assert again.stderr == f"error: {brief} already exists\nhint: pass --force to overwrite it\n"
    brief.write_text("kept", encoding="utf-8")
    assert run("import", str(source), "-o", str(brief)).returncode == 3
    assert brief.read_text(encoding="utf-8") == "kept"
    assert run("import", str(source), "-o", str(brief), "--force").returncode == 0
    assert brief.read_text(encoding="utf-8").startswith("# Drafted")


def test_cli_prints_to_stdout_without_out(tmp_path: Path) -> None:
    source = tmp_path / "wechat.txt"
    source.write_text(WECHAT_TEXT, encoding="utf-8")
    result = run("import", str(source))
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(result.stdout)["title"] == "个人养老金，现在可以在全国参加了！"


@pytest.mark.parametrize(("name", "data", "message", "hint"), [
    ("missing.html", None, "{path}: no such file",
     "check the path; a web address must start with http:// or https://"),
    ("report.pdf", b"%PDF-1.4", "{path}: cannot import '.pdf' files",
     "copy the article's text into a .txt file and import that"),
    ("old.doc", b"\xd0\xcf\x11\xe0", "{path}: cannot import '.doc' files",
     "save it as .docx in Word or WPS first"),
    ("broken.docx", b"PK\x03\x04 not really a zip",
     "{path} is not a Word document that can be read (File is not a zip file)",
     "open it in Word or WPS and save it again as .docx"),
    ("empty.txt", b"\xef\xbb\xbf\n\n", "{path}: no article text found",
     "import reads the article's paragraphs; check that this is the article itself, or copy its "
     "text into a .txt file and import that"),
    ("yitu.html", IMAGE_ONLY_PAGE.encode(),
     "{path}: no article text found (only 3 picture(s): an image-only page such as 一图读懂?)",
     "pictures are not read: type the points into a brief yourself (docs/brief.md lists the "
     "fields), or import the text version of the article if there is one"),
])
def test_bad_sources_exit_3_and_write_nothing(tmp_path: Path, name: str, data: bytes | None,
                                              message: str, hint: str) -> None:
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    out = tmp_path / "brief.yaml"
    result = run("import", str(path), "-o", str(out))
    assert result.returncode == 3
    assert result.stderr == f"error: {message.format(path=path)}\nhint: {hint}\n"
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({name} if data else set())


def test_empty_source_says_none_was_given(tmp_path: Path) -> None:
    result = run("import", "", cwd=tmp_path)
    assert result.returncode == 3
    assert result.stderr.startswith("error: no source given: the SOURCE argument is empty\n"
                                    "hint: name the article to import: ")
    assert "folder" not in result.stderr
    with pytest.raises(SourceError, match="no source given"):
        import_source("  ")


# ------------------------------------------------------------------ over http on loopback


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {}

    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(3)
        status, headers, body = self.routes.get(self.path, (404, {}, b"not found"))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    _Handler.routes = {
        "/gbk": (200, {"Content-Type": "text/html; charset=GBK"},
                 GBK_PAGE.replace("charset=gb2312", "").encode("gb18030")),
        "/moved": (302, {"Location": "/jiedu"}, b""),
        "/jiedu": (200, {"Content-Type": "text/html"}, PROVINCIAL_JIEDU.encode()),
        "/loop-a": (302, {"Location": "/loop-b"}, b""),
        "/loop-b": (301, {"Location": "/loop-a"}, b""),
        "/big": (200, {"Content-Type": "text/html"}, b"<p>x</p>" * 20000),
        "/pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4"),
        "/file?id=7": (200, {"Content-Type": "application/vnd.openxmlformats-officedocument."
                             "wordprocessingml.document"}, styled_word_document()),
        "/slow": (200, {"Content-Type": "text/html"}, GOV_CN_PAGE.encode()),
    }
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_url_with_charset_only_in_the_http_header(server: str, tmp_path: Path) -> None:
    result = import_source(f"{server}/gbk")
    brief = yaml.safe_load(result.yaml)
    assert brief["title"] == "关于开展2024年消费券发放活动的通告"
    assert brief["source_url"] == f"{server}/gbk"
    assert "the address it was fetched from" in comment_above(result.yaml, "source_url:")


def test_url_after_a_redirect_keeps_the_final_address(server: str) -> None:
    brief = yaml.safe_load(import_source(f"{server}/moved").yaml)
    assert brief["faq"][1]["q"] == "补贴多久发放一次？"
    assert brief["source_url"] == f"{server}/jiedu"


def test_url_to_a_word_attachment(server: str) -> None:
    brief = yaml.safe_load(import_source(f"{server}/file?id=7").yaml)
    assert brief["title"] == "高龄津贴发放办法"
    assert brief["source_url"] == f"{server}/file?id=7"


def test_url_connect_timeout_is_short() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)  # never accepts: once its queue is full, connecting hangs
        port = listener.getsockname()[1]
        waiting = []
        for _ in range(4):
            client = socket.socket()
            client.setblocking(False)
            client.connect_ex(("127.0.0.1", port))
            waiting.append(client)
        started = time.monotonic()
        try:
            with pytest.raises(SourceError, match=r": could not connect within 0.5 s$"):
                import_source(f"http://127.0.0.1:{port}/", FetchLimits(connect_s=0.5))
        finally:
            for client in waiting:
                client.close()
    assert time.monotonic() - started < 4


def test_cli_refuses_http_errors_and_redirect_loops(server: str, tmp_path: Path) -> None:
    out = tmp_path / "brief.yaml"
    missing = run("import", f"{server}/nothing", "-o", str(out))
    assert missing.returncode == 3
    assert missing.stderr.startswith(
        f"error: {server}/nothing: the server answered 404 Not Found\nhint: check the address")
    loop = run("import", f"{server}/loop-a", "-o", str(out))
    assert loop.returncode == 3
    assert loop.stderr.startswith(f"error: {server}/loop-a: the server redirects in a loop "
                                  f"({server}/loop-a -> {server}/loop-b -> {server}/loop-a)\n")
    assert "Traceback" not in missing.stderr + loop.stderr
    assert not out.exists()


def test_url_size_cap_type_timeout_and_unreachable(server: str) -> None:
    with pytest.raises(SourceError, match=r"/big: the page is larger than 0.1 MB, the most "):
        import_source(f"{server}/big", FetchLimits(max_bytes=100_000))
    with pytest.raises(SourceError, match=r"/pdf: the server sent application/pdf"):
        import_source(f"{server}/pdf")
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"/slow: no answer within 0.5 s"):
        import_source(f"{server}/slow", FetchLimits(timeout_s=0.5))
    assert time.monotonic() - started < 2.5
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SourceError, match=r"the connection was refused"):
        import_source(f"http://127.0.0.1:{port}/")
