"""What the speech engine hears: numbers, dates, money and symbols read the right way."""

from __future__ import annotations

import pytest

from policyclip.speech.normalize import spoken_chinese, spoken_english


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("减征幅度50%", "减征幅度百分之五十"),
        ("每月补贴2000元/月", "每月补贴两千元每月"),
        ("自2023年1月1日起", "自二零二三年一月一日起"),
        ("2023-01-01起施行", "二零二三年一月一日起施行"),
        ("2023—2027年", "二零二三年至二零二七年"),
        ("1至3月", "一至三月"),
        ("1~3月", "一至三月"),
        ("成交4.1亿元", "成交四点一亿元"),
        ("直播用户达到5.6亿", "直播用户达到五点六亿"),
        ("72.7万人", "七十二点七万人"),
        ("¥13.5", "十三点五元"),
        ("£150", "一百五十英镑"),
        ("拨打热线12366咨询", "拨打热线幺二三六六咨询"),
        ("12345热线", "幺二三四五热线"),
        ("国发〔2023〕13号", "国发二零二三年十三号"),
        ("面积120㎡", "面积一百二十平方米"),
        ("距离5km", "距离五公里"),
        ("四分之三即3/4", "四分之三即四分之三"),
        ("第3条", "第三条"),
        ("详见https://www.gov.cn/", "详见"),
        ("MCN机构和App运营者", "艾姆西艾恩机构和诶披披运营者"),
        ("GDP增长5%", "吉迪披增长百分之五"),
        ("持有效证件即可，Yes you can", "持有效证件即可，Yes you can"),
        ("电话0755-8888 1234", "电话零七五五八八八八幺二三四"),
        ("或拨打024-22345678。", "或拨打零二四二二三四五六七八。"),
        ("电话：0571-88888888", "电话：零五七幺八八八八八八八八"),
        ("热线 12345，010-12345678", "热线 幺二三四五，零幺零幺二三四五六七八"),
        ("（0571）8888 8888", "零五七幺八八八八八八八八"),
        ("人均3.5万元", "人均三点五万元"),
        ("手机138 1234 5678", "手机幺三八幺二三四五六七八"),
        ("1990-2000年", "一九九零年至二零零零年"),
    ],
)
def test_chinese_reading(written: str, spoken: str) -> None:
    assert spoken_chinese(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Save 50% now", "Save 50 percent now"),
        ("a fee of £150 and $1,200", "a fee of 150 pounds and 1,200 dollars"),
        ("from 2023-01-01 to 2027-12-31", "from January 1, 2023 to December 31, 2027"),
        ("Call 12366.", "Call 1 2 3 6 6."),
        ("In 2023, 1,000 people", "In 2023, 1,000 people"),
        ("ages 3-6", "ages 3 to 6"),
        ("helpline 0300 200 3200", "helpline 0 3 0 0, 2 0 0, 3 2 0 0"),
        ("helpline on 0300 200 3200.", "helpline on 0 3 0 0, 2 0 0, 3 2 0 0."),
        ("call 800-555-1234.", "call 8 0 0, 5 5 5, 1 2 3 4."),
        ("a rate of 0.5 percent", "a rate of 0.5 percent"),
        ("call 800-555-1234", "call 8 0 0, 5 5 5, 1 2 3 4"),
    ],
)
def test_english_reading(written: str, spoken: str) -> None:
    assert spoken_english(written) == spoken
