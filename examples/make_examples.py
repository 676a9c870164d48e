"""Regenerate the demo corpus files that need a particular encoding (standard library only).

    python3 examples/make_examples.py

Writes the four broadcast transcripts under examples/transcripts/ (UTF-16, CP949,
Windows-1252, UTF-8 mojibake) and examples/jsonl/wire_digest.jsonl. The HTML pages and
the feeds under examples/web/ and examples/feeds/ are plain UTF-8 files kept by hand.
All reports are synthetic: written for crosswire from publicly reported facts,
not copies of real articles. Output is deterministic.
"""
from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------------------
# 1. KBS-style transcript, 18 Oct 2024, saved as UTF-16 with BOM.
#    NIS: ~12,000 troops in four brigades; first 1,500 special forces shipped Oct 8-13;
#    13,000+ containers / 8 million+ shells since Aug 2023.
# ---------------------------------------------------------------------------------------
KBS_FIRST_DEPLOYMENT = """\
 date 2024-10-18 동영상 고정 취소

[Anchor]



South Korea's spy agency says North Korea has begun sending ground troops to Russia to take part in the war in Ukraine.



The National Intelligence Service says Pyongyang has decided to dispatch about 12,000 soldiers in four brigades, including special forces.



Reporter Seo Ha-eun has the story.



[Report]



Satellite images show large Russian navy landing ships docked near Chongjin on North Korea's east coast.



According to the National Intelligence Service, the ships carried about 1,500 North Korean special forces troops to Vladivostok in the first round of transport, between the 8th and the 13th of this month.



The soldiers were reportedly issued Russian uniforms, Russian-made weapons and forged identity papers, and are now spread across military bases in the Russian Far East, including Ussuriysk and Khabarovsk.



The agency expects a second transport soon and believes the total could eventually reach 12,000 troops.



[NIS official (voice altered)/Oct. 18: "The soldiers are believed to be at Russian bases for an adaptation period, after which they are likely to be sent to the front."]



The troops come on top of a steady flow of weapons that began in August last year.



The NIS estimates that North Korea has shipped more than 13,000 containers of arms to Russia since then, enough to hold over 8 million 122-millimetre and 152-millimetre artillery shells.



Ukrainian officials have said that as much as half of the artillery ammunition Russia fires on the front line now comes from North Korea.



[Kim Tae-gyun/Professor, Daeyang Graduate School of Strategy: "Pyongyang is turning the treaty it signed with Moscow in June into real combat cooperation. In return it will ask for money, food and, above all, military technology…."]



President Yoon Suk Yeol held an emergency security meeting this morning and described the deployment as a serious threat to the security of South Korea and the international community.



This is KBS News, Seo Ha-eun.



■ 제보하기

▷ 카카오톡 : 'KBS제보' 검색, 채널 추가

▷ 전화 : 02-781-1234, 4444

▷ 이메일 : kbs1234@kbs.co.kr

▷ 유튜브, 네이버, 카카오에서도 KBS뉴스를 구독해주세요!"""

# ---------------------------------------------------------------------------------------
# 2. YTN-style transcript, 13 Nov 2024, saved as CP949 (Korean footer).
#    Lawmaker citing NIS: 10,000+ in Russia, some in combat; Ukraine: 11,000 in Kursk;
#    "as much as $2,000 a month" per soldier. One line broken mid-sentence; one soundbite
#    whose closing bracket is missing.
# ---------------------------------------------------------------------------------------
YTN_FRONTLINE = """\
N. Korean troops in Russia top 10,000, some already in combat...Kyiv says 11,000 in Kursk

2024.11.13. PM 7:42
Font size settings
Print
[Anchor]
South Korea's intelligence agency says more than 10,000 North Korean troops are now in Russia and some of them appear to have begun taking part in combat.

Ukraine puts the number already in the Kursk border region alone at 11,000.

Reporter Bae Ji-hoon reports.

[Reporter]
A member of the National Assembly's intelligence committee, citing the National Intelligence Service, told reporters today that more than 10,000 North Korean soldiers had arrived in Russia.

According to the lawmaker, a significant number of them have been moved to the front in the Kursk region, and some are believed to have started fighting alongside Russian marines and paratroopers.

Ukraine's defence minister said last week that 11,000 North Korean troops were already in Kursk, a figure Ukraine's military intelligence agency, the HUR, has also given.

The NIS also believes North Korea has sent 170-millimetre self-propelled guns and 240-millimetre multiple rocket launchers, and that North Korean artillery crews are being trained to
operate them on the Russian side of the border.

The deployment followed a burst of diplomacy.

Russian President Vladimir Putin signed the law ratifying the mutual defence treaty with North Korea last weekend, and Pyongyang announced its own ratification two days later.

What Pyongyang receives in return is less clear.

Some analysts estimate that each soldier could be paid as much as 2,000 dollars a month, most of which would go to the state rather than to the troops.

[Yang Ji-won / Senior Researcher, Center for Northeast Asian Defense Studies: Combat experience against drones is something the North Korean army has never had, and that is exactly what Pyongyang wants to bring home. It will also ask for technology it cannot build alone

I'm YTN's Bae Jihoon.

Edit
video: Jung Woo-seok


※ '당신의 제보가 뉴스가 됩니다'
[카카오톡] YTN 검색해 채널 추가
[전화] 02-398-8585
[메일] social@ytn.co.kr


[저작권자(c) YTN 무단전재, 재배포 및 AI 데이터 활용 금지]"""

# ---------------------------------------------------------------------------------------
# 3. KBS-style transcript, late Dec 2024, NO date header; Windows-1252 with curly quotes,
#    CRLF line ends, English tip line. NIS (19th): 100+ killed / ~1,000 wounded;
#    Zelensky (23rd): over 3,000; White House (Dec. 27): 1,000+ in one week;
#    HUR: ~11,000 in Kursk; a hypothetical ("Even if ...").
# ---------------------------------------------------------------------------------------
KBS_CASUALTY_ESTIMATES = """\
[Anchor]
Two months after North Korean soldiers were first spotted in Russia’s Kursk region, the estimates of how many have been killed or wounded are multiplying – and they do not agree.
Seoul, Kyiv and Washington are each putting out very different numbers.
Reporter Oh Ji-hye reports.
[Report]
South Korea’s National Intelligence Service told lawmakers on the 19th that at least 100 North Korean soldiers had been killed and close to 1,000 wounded since they entered combat early this month.
The agency blamed unfamiliar open terrain and a lack of experience against drones.
Four days later, Ukrainian President Volodymyr Zelensky said the number of North Koreans killed and wounded had already passed 3,000.
Washington’s estimate falls somewhere in between.
[John Kirby / White House National Security Communications Adviser (Dec. 27): “Our estimate is that North Korean troops have suffered more than 1,000 killed or wounded in just the past week.”]
Ukraine’s military intelligence agency says around 11,000 North Korean soldiers are deployed in the Kursk area.
Even if only Seoul’s lower figure is correct, roughly one in ten of them has already been put out of action in less than a month.
Officials in Seoul caution that Kyiv has reasons to count high, and Pyongyang every reason to hide its losses.
[Hélène Marchand / Researcher, Paris Centre for Asian Security: “Each capital has a reason to push its own number: Kyiv to show the cost, Seoul to stay cautious, Washington to warn Pyongyang. The truth is probably somewhere in the middle.”]
Meanwhile, the NIS believes North Korea is preparing to send more troops, and has already shipped additional 240-millimetre rocket launchers and 170-millimetre self-propelled guns.
Camera: Park Sang-min / Video editing: Kim Eun-ji
This is KBS News, Oh Ji-hye.
Send us your tips: KakaoTalk ‘KBS Tip’ · phone 02-781-1234 · email kbs1234@kbs.co.kr
"""

# ---------------------------------------------------------------------------------------
# 4. YTN-style transcript, 13 Jan 2025, UTF-8 bytes misread as cp1252 and re-saved as
#    UTF-8 (mojibake, Korean footer included). Two soldiers captured (announced Sat 11th,
#    captured on the 9th); lawmaker citing NIS: ~300 killed, ~2,700 wounded; previous NIS
#    estimate ~100 / 1,000; Zelensky: close to 4,000.
# ---------------------------------------------------------------------------------------
YTN_CAPTURED = """\
Two North Korean soldiers captured alive in Kursk… NIS: “about 300 killed, 2,700 wounded”

2025.01.13. AM 11:20
Font size settings
Print
[Anchor]
Ukraine says it has captured two North Korean soldiers alive in Russia’s Kursk region.

South Korea’s spy agency has confirmed the capture and, for the first time, put North Korean casualties at around 3,000.

Reporter Moon Seo-hyun reports.

[Reporter]
Ukrainian President Volodymyr Zelensky announced on Saturday that his forces had captured two North Korean soldiers in the Kursk region.

He released photos of the two men, both wounded, who have been taken to Kyiv.

[Volodymyr Zelensky / President of Ukraine (Jan. 11, on X): “Two soldiers, though wounded, survived and were brought to Kyiv. They are now communicating with the Security Service of Ukraine.”]

South Korea’s National Intelligence Service confirmed that the two were captured on the 9th and said one of them carried a Russian military ID issued under the name of a man from the Tuva Republic.

After a closed-door briefing this morning, a lawmaker on the intelligence committee, citing the NIS, said about 300 North Korean soldiers had been killed and some 2,700 wounded since they joined the fighting.

That is nearly three times the agency’s estimate last month of about 100 killed and 1,000 wounded.

The NIS also said memos found on dead soldiers show they were told to kill themselves rather than be taken prisoner.

Kyiv’s count is higher still: Zelensky said last week that North Korean losses were approaching 4,000 killed and wounded.

[Park Eun-chae / Research Fellow, Institute for Unification Strategy: “The prisoners are the first North Korean soldiers Ukraine can question directly. What they say about their training, their pay and their orders matters more than any estimate.”]

Whether the two could eventually be sent to South Korea is expected to become a diplomatic issue.

I’m YTN’s Moon Seohyun.

Edit
video: Yoo Jae-min


※ '당신의 제보가 뉴스가 됩니다'
[카카오톡] YTN 검색해 채널 추가
[전화] 02-398-8585
[메일] social@ytn.co.kr


[저작권자(c) YTN 무단전재, 재배포 및 AI 데이터 활용 금지]"""

# ---------------------------------------------------------------------------------------
# 5. JSONL: two wire/aggregator reports.
# ---------------------------------------------------------------------------------------
JSONL_DOCS = [
    {
        "id": "cdd-2025-03-14-reinforcements",
        "title": "North Korea Sends About 3,000 More Troops to Russia, Seoul Says",
        "published": "2025-03-14",
        "publisher": "Caspian Daily Digest",
        "url": "https://caspian-digest.example.net/2025/03/14/north-korea-reinforcements",
        "text": (
            "North Korea Sends About 3,000 More Troops to Russia, Seoul Says\n"
            "North Korea has sent roughly 3,000 additional troops to Russia since the start of the year, "
            "South Korea's military said, as Russian forces press to push Ukrainian units out of the Kursk region.\n"
            "South Korea's Joint Chiefs of Staff said the reinforcements arrived in January and February and that "
            "Pyongyang had also supplied more short-range ballistic missiles and long-range artillery. The JCS "
            "estimated that about 4,000 North Korean soldiers had been killed or wounded since they entered combat "
            "late last year.\n"
            "The estimate is higher than the one the National Intelligence Service gave in January. At the time, "
            "The Peninsula Wire reported, citing lawmakers briefed by the agency, that about 300 North Korean "
            "soldiers had been killed and 2,700 wounded.\n"
            "The first contingent, sent in October and November, was estimated at around 11,000 soldiers. If the "
            "new figures are correct, as many as 14,000 North Korean troops may have been sent to Russia in total.\n"
            "Analysts say the reinforcements suggest Pyongyang intends to keep its forces in Russia for the long "
            "term, in exchange for cash, food and military technology.\n"
            "Original Source: The Peninsula Wire"
        ),
    },
    {
        "id": "nam-2025-06-18-sappers-builders",
        "title": "Pyongyang to send 6,000 sappers and builders to Kursk, Moscow says",
        "published": "2025-06-18",
        "publisher": "Northeast Asia Monitor",
        "url": "https://neamonitor.example.org/news/2025/06/18/sappers-builders",
        "text": (
            "Russia's Security Council secretary Sergei Shoigu said yesterday, after talks in Pyongyang with "
            "Kim Jong Un, that North Korea would send 1,000 sappers to clear mines in Russia's Kursk region and "
            "5,000 military builders to help restore infrastructure destroyed in the fighting.\n\n"
            "It was Shoigu's second trip to Pyongyang this month, and the first time Moscow has put a number on "
            "any North Korean deployment. Neither side said when the workers would arrive or how long they would stay.\n\n"
            "South Korea's National Intelligence Service has said separately that more than 10,000 North Korean "
            "workers entered Russia last year, many of them officially registered as students or trainees to get "
            "around United Nations sanctions.\n\n"
            "Analysts in Seoul said the builders alone could bring Pyongyang tens of millions of dollars a year, "
            "though the terms of the arrangement have not been disclosed.\n\n"
            "The announcement came a day before the first anniversary of the mutual defence treaty the two "
            "countries signed in June last year."
        ),
    },
]


def sloppy_cp1252(data: bytes) -> str:
    """Decode as Windows-1252; the five undefined bytes become C1 controls (reversible)."""
    out = []
    for byte in data:
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


def main() -> None:
    tdir = HERE / "transcripts"
    tdir.mkdir(exist_ok=True)
    (tdir / "kbs_nis_first_deployment.txt").write_bytes(
        b"\xff\xfe" + KBS_FIRST_DEPLOYMENT.encode("utf-16-le"))
    (tdir / "ytn_frontline_combat.txt").write_bytes(YTN_FRONTLINE.encode("cp949"))
    (tdir / "kbs_casualty_estimates.txt").write_bytes(
        KBS_CASUALTY_ESTIMATES.replace("\n", "\r\n").encode("cp1252"))
    (tdir / "ytn_captured_soldiers.txt").write_bytes(
        sloppy_cp1252(YTN_CAPTURED.encode("utf-8")).encode("utf-8"))

    jdir = HERE / "jsonl"
    jdir.mkdir(exist_ok=True)
    with open(jdir / "wire_digest.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        for doc in JSONL_DOCS:
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    print("examples written under", HERE)


if __name__ == "__main__":
    main()
