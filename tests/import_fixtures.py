"""Articles for the import tests, modelled on real layouts (gov.cn, a provincial portal, WeChat)."""

from __future__ import annotations

GOV_CN_PAGE = """\
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>国务院办公厅关于发展银发经济增进老年人福祉的意见_国务院文件_中国政府网</title>
<meta name="keywords" content="银发经济,老年人,养老服务">
<meta name="description" content="国务院办公厅关于发展银发经济增进老年人福祉的意见">
<meta name="firstpublishedtime" content="2024-01-15-17:30:00">
<link rel="canonical" href="https://www.gov.cn/zhengce/content/202401/content_6926087.htm">
<script>var _hmt = _hmt || [];</script>
</head><body>
<div class="header"><a href="/">首页</a> | <a>简</a> | <a>繁</a> | <a>EN</a> | 登录</div>
<div class="BreadcrumbNav">首页 &gt; 政策 &gt; 国务院政策文件库 &gt; 国务院文件</div>
<div class="policyLibraryOverview_header"><table>
<tr><td><b>索&nbsp;&nbsp;引&nbsp;号：</b></td><td>000014349/2024-00004</td>
<td><b>主题分类：</b></td><td>劳动、人事、监察\\其他</td></tr>
<tr><td><b>发文机关：</b></td><td>国务院办公厅</td>
<td><b>成文日期：</b></td><td>2024年01月11日</td></tr>
<tr><td><b>标　　题：</b></td><td>国务院办公厅关于发展银发经济增进老年人福祉的意见</td></tr>
<tr><td><b>发文字号：</b></td><td>国办发[2024]1号</td>
<td><b>发布日期：</b></td><td>2024年01月15日</td></tr>
</table></div>
<div class="pages_content" id="UCAP-CONTENT">
<p style="text-align:center">国务院办公厅关于发展银发经济增进老年人福祉的意见</p>
<p>国办发〔2024〕1号</p>
<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p>　　银发经济是向老年人提供产品或服务，以及为老龄阶段做准备等一系列经济活动的总和，涉及面广、\
产业链长、业态多元、潜力巨大。为积极应对人口老龄化，发展银发经济，增进老年人福祉，经国务院同意，\
现提出如下意见。</p>
<p><strong>一、发展民生事业，解决急难愁盼</strong></p>
<p>　　（一）扩大老年助餐服务。发展社区老年助餐服务，到2025年，全国新增老年助餐点1万个。\
鼓励餐饮企业参与。</p>
<p>　　（二）拓展居家助老服务。推动助浴、助洁服务发展。</p>
<p><strong>二、扩大产品供给，提升质量水平</strong></p>
<p>　　（三）培育银发经济经营主体。支持企业发展，对符合条件的企业每家最高补助50万元。</p>
<p><strong>三、聚焦多样化需求，培育潜力产业</strong></p>
<p>　　（四）强化老年用品创新。推进老年用品升级。</p>
<p>　　咨询电话：010-66194114，咨询时间：工作日。也可拨打12345政务服务便民热线。</p>
<p>　　本意见自印发之日起施行。</p>
<p style="text-align:right">国务院办公厅</p>
<p style="text-align:right">2024年1月11日</p>
<p>（此件公开发布）</p>
<div class="share">分享到：微信 微博</div>
<p>【字体：大 中 小】 打印本页</p>
</div>
<div class="footer">主办单位：国务院办公厅 运行维护单位：中国政府网运行中心
京ICP备05070218号 京公网安备11010202000001号</div>
</body></html>
"""

PROVINCIAL_JIEDU = """\
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>《浙江省灵活就业人员社会保险补贴办法》政策解读 - 浙江省人民政府门户网站</title>
<meta name="ArticleTitle" content="《浙江省灵活就业人员社会保险补贴办法》政策解读">
<meta name="PubDate" content="2024-11-20 09:15">
<meta name="ContentSource" content="浙江省人力资源和社会保障厅">
<meta name="ColumnName" content="政策解读">
<meta name="Keywords" content="社保补贴；灵活就业；政策解读">
</head><body>
<div class="nav">网站首页 | 政务公开 | 政务服务 | 互动交流</div>
<div class="location">当前位置：首页 &gt; 政务公开 &gt; 政策解读</div>
<h1 class="title">《浙江省灵活就业人员社会保险补贴办法》政策解读</h1>
<div class="info">发布时间：2024-11-20 来源：浙江省人力资源和社会保障厅 浏览次数：1024</div>
<div id="zoom">
<p>　　近日，省人力社保厅、省财政厅联合印发《浙江省灵活就业人员社会保险补贴办法》\
（浙人社发〔2024〕35号，以下简称《办法》）。为便于理解，现解读如下。</p>
<p><strong>一、出台背景</strong></p>
<p>　　灵活就业人员数量持续增长。为减轻其缴费负担，我省制定了本办法。</p>
<p><strong>二、补贴对象</strong></p>
<p>　　本省户籍的就业困难人员和离校2年内未就业高校毕业生，以灵活就业方式就业并缴纳社会保险费的，\
可申请补贴。</p>
<p><strong>三、补贴标准</strong></p>
<p>　　补贴标准为实际缴费额的2/3，每人每月最高补贴800元，补贴期限最长3年。</p>
<p><strong>四、办理流程</strong></p>
<p>　　1.登录浙江政务服务网，搜索“社会保险补贴”。</p>
<p>　　2.填写申请表并上传身份证明材料。</p>
<p>　　3.人力社保部门审核通过后，按月发放补贴。</p>
<p><strong>五、常见问题</strong></p>
<p>　　问：已经领取失业保险金的人员能否申请？</p>
<p>　　答：不能。领取失业保险金期间不得同时享受本补贴。待领取期满后可以申请。</p>
<p>　　问：补贴多久发放一次？</p>
<p>　　答：按月发放，直接打入本人社会保障卡银行账户。</p>
<p>　　《办法》自2025年1月1日起施行，有效期至2027年12月31日。</p>
<p>　　政策咨询请拨打12333人力资源和社会保障服务热线。</p>
</div>
<div class="foot">浙江省人民政府办公厅主办 浙ICP备05001234号 网站标识码3300000001</div>
</body></html>
"""

GBK_PAGE = """\
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>关于开展2024年消费券发放活动的通告_通知公告_XX市商务局</title>
</head><body>
<div class="top">XX市商务局 | 首页 | 通知公告</div>
<div class="byline">发布时间：2024-03-05 信息来源：XX市商务局</div>
<div class="TRS_Editor">
<p>为提振消费信心，市商务局决定开展消费券发放活动，现将有关事项通告如下。</p>
<p>【发放时间】活动时间：2024年3月8日至5月31日，每周五上午10点发放。</p>
<p>【发放金额】本次共发放消费券2000万元，单张面额50元。</p>
<p>【领取方式】市民通过“i市民”小程序免费领取，每人每周限领1张。</p>
<p>咨询电话：0571-87654321。</p>
<p>囍镕䶮这些字只在GB18030里：测试扩展字符。</p>
</div>
<div class="foot">版权所有：XX市商务局 ICP备案号：浙ICP备12345678号</div>
</body></html>
"""

WECHAT_TEXT = """\
个人养老金，现在可以在全国参加了！
原创 成都发布 成都发布 2024-12-16 08:30 四川
点击上方蓝字关注我们

12月15日起，个人养老金制度在全国实施。个人养老金是政府政策支持、个人自愿参加的补充养老保险制度。

一是谁能参加。在中国境内参加城镇职工基本养老保险或者城乡居民基本养老保险的劳动者，都可以参加。

二是缴费多少。参加人每年缴纳个人养老金的上限为12000元，可以按月、分次或者按年度缴纳。

三是有哪些优惠。缴费环节，个人向个人养老金资金账户的缴费，按照12000元/年的限额标准，\
在综合所得或经营所得中据实扣除。

怎么开户？
第一步：下载“掌上12333”或商业银行手机App。
第二步：开立个人养老金账户。
第三步：开立个人养老金资金账户，绑定银行卡。

如有疑问，可拨打12333咨询。
来源：人力资源社会保障部
编辑：张三
阅读原文
"""

ENGLISH_PAGE = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Childcare subsidy for working parents | City of Riverton</title>
<meta name="keywords" content="childcare, families, subsidies">
<meta property="og:url" content="https://www.riverton.example.gov/news/childcare-subsidy">
</head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/services">Services</a>
<a href="/contact">Contact us</a></nav></header>
<main><article>
<h1>Childcare subsidy for working parents</h1>
<p class="byline">Published: 3 March 2025 | Source: Riverton Department of Family Services</p>
<p>The city will pay part of the cost of licensed childcare for working parents from
April 1, 2025 to March 31, 2026. The subsidy is meant to help parents return to work
after the birth of a child, and it is paid straight to the childcare provider each month.</p>
<h2>Who can apply</h2>
<p>Parents who live in Riverton and work at least 20 hours a week can apply. Children must be
under 6 years old on the day the application is made, and the childcare provider must hold a
current licence issued by the state.</p>
<h2>How much you get</h2>
<p>Families receive up to $3,000 a year for each child. The amount depends on household income
and on the number of days of care, and it is reviewed every six months.</p>
<h2>How to apply</h2>
<ol><li>Create an account on the city services portal.</li>
<li>Upload proof of address and proof of work.</li>
<li>Choose your childcare provider and submit the form.</li></ol>
<p>Questions? Call the family services hotline on 12345 from Monday to Friday.</p>
</article></main>
<footer><p>© 2025 City of Riverton. All rights reserved.</p><a href="/privacy">Privacy</a>
<a href="/accessibility">Accessibility</a></footer>
</body></html>
"""

IMAGE_ONLY_PAGE = """\
<html><head><meta charset="utf-8"><title>一图读懂｜个人养老金_政策解读_中国政府网</title></head>
<body><div class="nav">首页 &gt; 政策 &gt; 图解</div>
<div id="UCAP-CONTENT"><p><img src="1.jpg"></p><p><img src="2.jpg"></p><p><img src="3.jpg"></p>
</div><div class="footer">京ICP备05070218号</div></body></html>
"""

GOV_CN_NEWS_PAGE = """\
<!DOCTYPE html><html><head><meta charset="utf-8">
<title>个人养老金制度12月15日起全面实施_滚动新闻_中国政府网</title>
<meta name="keywords" content="个人养老金;全国实施">
<meta name="description" content="人力资源社会保障部等五部门发布通知，自2024年12月15日起，个人养老金制度从36个先行城市（地区）推开至全国。">
<meta name="firstpublishedtime" content="2024-12-13-09:30:11">
<meta name="lastmodifiedtime" content="2024-12-13-09:35:00">
</head><body>
<div class="header_top"><a>国务院</a><a>总理</a><a>新闻</a><a>政策</a><a>互动</a><a>服务</a><a>数据</a><a>国情</a></div>
<div class="BreadcrumbNav"><a>首页</a> &gt; <a>新闻</a> &gt; <a>滚动新闻</a></div>
<div class="article oneColumn pub_border">
<h1 id="ti">个人养老金制度12月15日起全面实施</h1>
<div class="pages-date">2024-12-13 09:30　<span class="font">来源： 新华社</span>
<span class="font index_switchsize">字号：<span>默认</span><span>大</span><span>超大</span></span>|<span class="font printIco">打印</span></div>
<div class="pages_content" id="UCAP-CONTENT">
<p>　　新华社北京12月12日电（记者 姜琳）记者12日从人力资源社会保障部获悉，人力资源社会保障部、财政部、国家税务总局、金融监管总局、中国证监会日前联合发布通知，自2024年12月15日起，个人养老金制度从36个先行城市（地区）推开至全国。</p>
<p>　　通知明确，在中国境内参加城镇职工基本养老保险或者城乡居民基本养老保险的劳动者，可以参加个人养老金制度。</p>
<p>　　参加人每年缴纳个人养老金额度上限为12000元。参加人可以通过全国统一线上服务入口或者商业银行渠道，在信息平台开立个人养老金账户。</p>
<p>　　通知还明确，个人养老金产品范围增加国债、特定养老储蓄、指数基金等。参加人达到领取基本养老金年龄、完全丧失劳动能力、出国（境）定居等情形的，可以按月、分次或者一次性领取个人养老金。</p>
<p>　　【纠错】 <span>【责任编辑：王洋】</span></p>
</div>
<div class="share"><span>分享到：</span></div>
</div>
<div class="footer">版权所有：中国政府网 | 中文域名：中国政府网.政务 京ICP备05070218号</div>
</body></html>
"""

WECHAT_SAVED_PAGE = """\
<!DOCTYPE html><html><head><meta charset="utf-8">
<meta property="og:title" content="@所有人，这笔补贴怎么领？一文看懂">
<meta property="og:url" content="https://mp.weixin.qq.com/s/AbCdEf123">
<meta name="description" content="事关你的钱袋子">
<title>@所有人，这笔补贴怎么领？一文看懂</title></head><body>
<div id="img-content" class="rich_media_wrp">
<h1 class="rich_media_title" id="activity-name">@所有人，这笔补贴怎么领？一文看懂</h1>
<div id="meta_content" class="rich_media_meta_list"><span class="rich_media_meta rich_media_meta_text">原创</span>
<span class="rich_media_meta rich_media_meta_nickname" id="profileBt"><a id="js_name">杭州发布</a></span>
<em id="publish_time" class="rich_media_meta rich_media_meta_text">2024-08-02 18:05</em></div>
<div class="rich_media_content js_underline_content" id="js_content">
<section><span style="font-size: 15px;">为提振消费，杭州市发放以旧换新补贴，最高可补2000元。</span></section>
<section><span style="font-size: 15px;">具体怎么领？小编为您整理好了↓↓↓</span></section>
<section><span style="font-weight: bold;color: rgb(255,0,0);">补贴范围</span></section>
<section><span>购买一级能效家电的个人消费者，按销售价格的20%给予补贴。</span></section>
<section><span style="font-weight: bold;">补贴标准</span></section>
<section><span>每位消费者每类产品补贴1件，单件补贴最高不超过2000元。</span></section>
<section><strong>领取流程</strong></section>
<section><span>1. 打开支付宝搜索“杭州消费券”；</span></section>
<section><span>2. 实名认证后领取补贴资格；</span></section>
<section><span>3. 到参与门店购买时核销。</span></section>
<section><span>活动时间：2024年8月5日至12月31日。</span></section>
<section><span>咨询电话：0571-12345</span></section>
<section><img data-src="https://mmbiz.qpic.cn/x.png"></section>
<section><span>来源：杭州市商务局</span></section>
<section><span>编辑：李四</span></section>
</div></div>
<div id="js_pc_qr_code"><p>微信扫一扫<br>关注该公众号</p></div>
</body></html>
"""

# A pasted WeChat article whose sections are 【…】 headings, with 1. 2. 3. under 【怎么领】.
WECHAT_BRACKET_TEXT = """\
点击上方蓝字关注我们
最高补贴2000元！以旧换新补贴来了，怎么领看这里→
原创 龙岗发布 龙岗发布 2025年03月05日 18:30 广东
为提振消费，龙岗区商务局联合各大商场推出家电以旧换新补贴活动，个人消费者购买一级能效家电可享受成交价15%的补贴。
活动时间：2025年3月10日至2025年6月30日。
【补贴标准】
购买一级能效家电，按成交价的15%给予补贴，每件最高补贴2000元。
购买二级能效家电，按成交价的10%给予补贴，每件最高补贴1500元。
【谁能参加】
在龙岗区参与活动的门店购买家电的个人消费者，每人每类限补1件。
【怎么领】
1.打开“粤商通”小程序，进入“以旧换新”专区；
2.实名认证后领取补贴资格；
3.到参与活动的门店下单，结账时自动抵扣。
【温馨提示】
补贴资格领取后7日内有效，逾期未使用自动失效。
如有疑问，请拨打12345政务服务便民热线或龙岗区商务局咨询电话0755-28949123。
【纠错】【打印】【关闭】
来源：龙岗区商务局
编辑：小龙  审核：张三
阅读原文
分享 收藏 在看 点赞
"""

# The same sections on a saved page, with the site's controls in 【】 inside the body.
BRACKET_SECTIONS_PAGE = """\
<html><head><meta charset="utf-8"><title>关于开展家电以旧换新的通知</title></head><body>
<div id="js_content"><p>来源：龙岗区商务局</p><p>为提振消费，推出家电以旧换新补贴活动。</p>
<p>【补贴标准】</p><p>购买一级能效家电，每件最高补贴2000元。</p>
<p>【谁能参加】</p><p>在龙岗区购买家电的个人消费者。</p>
<p>【怎么领】</p><p>1.打开小程序；</p><p>2.领取资格；</p><p>3.到门店下单。</p>
<p>【字体：大 中 小】【打印】【关闭】</p><p>【我要纠错】 【收藏本页】</p></div></body></html>
"""

# GOV.UK's layout: a "From: … Published …" line above the body, a Contact section at the end.
GOVUK_PAGE = """\
<!DOCTYPE html>
<html lang="en" class="govuk-template"><head><meta charset="utf-8">
<title>Warm Home Discount: who can get it and how to apply - GOV.UK</title>
<meta property="og:title" content="Warm Home Discount: who can get it and how to apply">
<meta property="og:url" content="https://www.gov.uk/the-warm-home-discount-scheme">
</head><body class="govuk-template__body">
<a href="#main-content" class="govuk-skip-link">Skip to main content</a>
<div class="gem-c-cookie-banner"><p>Cookies on GOV.UK. We use some essential cookies to make this \
website work.</p><button>Accept additional cookies</button></div>
<header class="govuk-header"><a href="/">GOV.UK</a><nav><a>Benefits</a><a>Money and tax</a></nav>\
</header>
<div class="govuk-breadcrumbs"><ol><li>Home</li><li>Housing and local services</li></ol></div>
<main id="main-content" class="govuk-main-wrapper">
<h1 class="govuk-heading-xl">Warm Home Discount: who can get it and how to apply</h1>
<p class="publication-header__last-changed">From: Department for Energy Security and Net Zero. \
Published 1 October 2024</p>
<div class="govspeak">
<p>You could get £150 off your electricity bill for winter 2024 to 2025 under the Warm Home \
Discount Scheme. The scheme runs from October 1, 2024 to March 31, 2025.</p>
<h2>Who can get it</h2>
<p>You qualify if you get the Guarantee Credit element of Pension Credit, or you are on a low \
income and have high energy costs.</p>
<h2>What you get</h2>
<p>The discount is £150. The money is not paid to you directly. It is a one-off discount on your \
electricity bill, between October and March.</p>
<h2>How to apply</h2>
<ol><li>Check whether your energy supplier is part of the scheme.</li>
<li>If you get Pension Credit, you will usually be paid automatically.</li>
<li>Otherwise, wait for a letter by early January 2025 and call the number in it.</li></ol>
<h2>Contact</h2>
<p>Call the Warm Home Discount helpline on 0800 030 9322. Lines are open Monday to Friday, 8am \
to 6pm.</p>
</div>
<div class="gem-c-print-link"><button>Print this page</button></div>
</main>
<footer class="govuk-footer"><p>All content is available under the Open Government Licence \
v3.0</p><p>© Crown copyright</p></footer>
</body></html>
"""

# A city portal's notice: `--北京市人民政府` after the title, a payment window (发放时间) that is
# not the policy's term, a numbered 咨询方式 line.
PORTAL_NOTICE_PAGE = """\
<html><head><meta charset="utf-8"><title>关于发放2025年度职工疗休养补贴的通知--北京市人民政府</title>
</head><body>
<div class="nav">首页 政务公开 政务服务 互动交流</div>
<div class="main"><div class="content-box">
<h2>关于发放2025年度职工疗休养补贴的通知</h2>
<div class="meta">发布时间：2025-05-06 来源：市总工会 【字体：大 中 小】 分享到：微信 微博</div>
<p>为丰富职工文化生活，市总工会决定发放2025年度职工疗休养补贴，每人1500元。</p>
<p>一、补贴对象：在本市缴纳社保满一年的在职职工。</p>
<p>二、发放时间：2025年6月1日至2025年8月31日。</p>
<p>三、咨询方式：职工服务热线12351。</p>
<p>扫一扫在手机打开当前页</p>
</div></div>
<div class="footer">网站地图 | 联系我们 | 京ICP备05060933号 | 版权所有：北京市人民政府</div>
</body></html>
"""

# A provincial notice whose only introduction is `为…，现将有关事项通知如下。` and whose dates are
# a payment window (集中缴费期), not the policy's term.
PAYMENT_WINDOW_PAGE = """\
<html><head><meta charset="utf-8"><title>广东省人民政府办公厅关于做好2025年城乡居民医保参保工作的通知 - \
广东省人民政府门户网站</title></head><body><div class="TRS_Editor"><p>粤府办（2024）5号</p>
<p>各地级以上市人民政府，省政府各部门：</p>
<p>为做好2025年度城乡居民基本医疗保险参保缴费工作，现将有关事项通知如下。</p>
<p>一、缴费标准</p><p>2025年度个人缴费标准为每人每年400元。</p>
<p>二、缴费时间</p><p>集中缴费期为2024年9月1日至2024年12月31日。</p>
<p>三、缴费渠道</p><p>可通过“粤省事”小程序、银行网点缴费。咨询电话：12393。</p>
<p>广东省人民政府办公厅</p><p>2024年8月20日</p></div></body></html>
"""
