"""Write reports.jsonl: invented reports about an invented crisis (Korvalia's troops in Tessany's
Brenn Valley, June to October 2025). Every country, town, agency, outlet, person and figure here is
made up; no sentence comes from a real article or an eval set. Run: python make_reports.py
"""
from __future__ import annotations

import json
from pathlib import Path

REPORTS: list[dict[str, str]] = [
    {
        "id": "mpa-2025-06-03-incursion",
        "publisher": "Meridian Press Agency",
        "published": "2025-06-03",
        "url": "https://meridianpress.example.com/world/2025/06/03/korvalia-brenn-valley-incursion",
        "title": "Korvalian columns push deeper into Tessany's Brenn Valley",
        "text": (
            "VELSTAD, Tessany, June 3 (MPA) - Korvalian armoured columns pushed deeper into Tessany's Brenn "
            "Valley on Tuesday, two days after crossing the border at the Corran Pass, and about 9,000 "
            "Korvalian troops are now on Tessan soil, Tessany's Joint Operations Command estimated.\n\n"
            "\"The enemy is consolidating along the river road,\" Brigadier Sofie Lanner, a spokeswoman for "
            "the command, told reporters in the capital. She said Korvalian officers had given Tessan border "
            "guards a 48-hour deadline to leave the pass villages of Orm and Tillet.\n\n"
            "Korvalia's government, which calls the incursion a \"security operation\", has not said how many "
            "soldiers it sent. Its defence ministry said in a statement that the operation would last \"no "
            "longer than necessary\".\n\n"
            "Residents of Kessmar, the largest town in the valley, said they heard artillery through Monday "
            "night. The town hospital said it had treated 14 civilians for shrapnel wounds.\n\n"
            "(Reporting by Ana Brisk; editing by Tom Hale)"
        ),
    },
    {
        "id": "mpa-2025-07-09-briefing",
        "publisher": "Meridian Press Agency",
        "published": "2025-07-09",
        "url": "https://meridianpress.example.com/world/2025/07/09/tessan-intelligence-korvalian-losses",
        "title": "Tessan intelligence puts Korvalian dead at about 1,400",
        "text": (
            "VELSTAD, July 9 (MPA) - Roughly 1,400 Korvalian soldiers have been killed and about 4,200 "
            "injured since Korvalia's forces entered the Brenn Valley, Tessany's National Intelligence "
            "Bureau told parliament's defence committee on Wednesday.\n\n"
            "The bureau, which briefed the committee behind closed doors, also estimated that some 15,000 "
            "Korvalian personnel are now stationed in the valley, according to a written summary of the "
            "session seen by MPA.\n\n"
            "In early June the bureau had put Korvalian fatalities at about 300.\n\n"
            "The figures could not be independently verified. Korvalia's defence ministry did not respond "
            "to a request for comment. The bureau's director, Halvard Reyne, left the parliament building "
            "without speaking to reporters.\n\n"
            "The incursion, now in its sixth week, has forced tens of thousands of people from their homes "
            "in the valley.\n\n"
            "(Reporting by Piet Osk; editing by Tom Hale)"
        ),
    },
    {
        "id": "tb-2025-07-09-evening",
        "publisher": "Tessan Broadcasting",
        "published": "2025-07-09",
        "url": "https://tessanbroadcasting.example.org/news/2025/07/09/evening-news-transcript",
        "title": "Evening News transcript: lawmakers hear intelligence estimate of Korvalian losses",
        "text": (
            "ANCHOR (Lena Moss): Good evening. Members of parliament say the country's intelligence service "
            "has given them its first detailed estimate of Korvalian losses in the Brenn Valley. Our "
            "political correspondent Dara Quint was outside the committee room. Dara, what did lawmakers "
            "hear?\n\n"
            "REPORTER (Dara Quint): Lena, the session ran a little over two hours, and several lawmakers "
            "who came out of it told us the National Intelligence Bureau's estimate is that around 1,400 "
            "Korvalian servicemen have lost their lives so far. They also said the bureau believes Korvalia "
            "now has about 15,000 troops in the valley - well above anything the government has said in "
            "public.\n\n"
            "ANCHOR: Did they say how the bureau arrived at those numbers?\n\n"
            "REPORTER: They didn't go into methods. One member of the governing coalition told me the "
            "figures were, quote, conservative. Korvalia, for its part, has not published any casualty "
            "figures since the fighting began.\n\n"
            "ANCHOR: Dara Quint at parliament, thank you."
        ),
    },
    {
        "id": "herald-2025-07-10-briefing",
        "publisher": "The Tessan Herald",
        "published": "2025-07-10",
        "url": "https://tessanherald.example.net/politics/2025/07/10/vance-intelligence-briefing",
        "title": "Opposition MP calls intelligence bureau's count of Korvalian dead 'cautious'",
        "text": (
            "An opposition member of parliament's defence committee said on Thursday that the country's "
            "intelligence chiefs believe Korvalia's losses in the Brenn Valley are far higher than Korvalia "
            "has admitted.\n\n"
            "\"According to the bureau, around 1,400 of their soldiers have died, and that is a cautious "
            "number,\" Teodor Vance, the Civic Alliance's defence spokesman, told the Herald, referring to "
            "Wednesday's closed-door briefing by the National Intelligence Bureau.\n\n"
            "Mr Vance said the government should publish the bureau's estimates rather than leave them to "
            "leaks. He said the committee had also been shown satellite images of Korvalian positions "
            "around Kessmar but declined to describe them.\n\n"
            "The Ministry of Defence declined to comment on the briefing, saying it did not discuss "
            "intelligence assessments."
        ),
    },
    {
        "id": "mod-2025-07-22-briefing",
        "publisher": "Ministry of Defence of Tessany",
        "published": "2025-07-22",
        "url": "https://defence.tessany.example.gov/press/transcripts/2025-07-22",
        "title": "Transcript: Ministry of Defence press briefing, 22 July 2025",
        "text": (
            "Ministry of Defence, Velstad. Briefer: Karin Andressen, ministry spokesperson.\n\n"
            "MS. ANDRESSEN: Good morning, everyone. I'll start with an update from the Brenn Valley and then "
            "take your questions.\n\n"
            "Over the past week Korvalian forces have kept up their attacks on our positions west of "
            "Kessmar, with massed artillery and glide bombs. The Joint Operations Command's assessment, as of "
            "this morning, is that Korvalia has suffered about 5,500 casualties - killed and wounded "
            "together - since the first of June. We are now 51 days into this incursion.\n\n"
            "With that, I'll take questions.\n\n"
            "Q: Elin Marsh, Valley Radio. Can you tell us how fast those losses are rising?\n\n"
            "MS. ANDRESSEN: Our estimate is that the enemy is losing on average around 60 servicemen a day, "
            "killed or wounded. That rate has gone up since the start of July.\n\n"
            "Q: Piet Osk, MPA. The opposition says the real figures are higher. Where does this end up?\n\n"
            "MS. ANDRESSEN: I'm not going to speculate. I would only say that if the offensive goes on at "
            "this pace, Korvalian casualties could reach 10,000 by the end of the year. That is a projection, "
            "not a count.\n\n"
            "Q: Is Korvalia still bringing in reinforcements?\n\n"
            "MS. ANDRESSEN: We see rotations, yes. I don't have a new troop figure for you today; I'd refer "
            "you to what the intelligence bureau told parliament earlier this month.\n\n"
            "Q: On Drusala - are Drusalan shells being used in the valley?\n\n"
            "MS. ANDRESSEN: We have recovered fragments of Drusalan-made 152mm shells at several sites. I "
            "won't go further than that.\n\n"
            "MS. ANDRESSEN: Thank you all."
        ),
    },
    {
        "id": "courier-2025-08-12-kessmar",
        "publisher": "Kessmar Courier",
        "published": "2025-08-12",
        "url": "https://kessmarcourier.example.org/local/2025/08/12/lindgate-shelling-buildup",
        "title": "Shelling wrecks Lindgate school as Korvalian build-up grows",
        "text": (
            "KESSMAR - Four civilians lost their lives and nine were injured when shells struck the "
            "Lindgate district on Sunday night, the town's emergency service said on Monday, the heaviest "
            "toll in Kessmar since the incursion began.\n\n"
            "The old grammar school on Mill Street, which had been serving as a shelter, lost its roof. "
            "Headteacher Ruth Calloway said the 300 pupils due back in September would be taught in the "
            "parish hall.\n\n"
            "Around 18,000 Korvalian servicemen are now stationed within 30 kilometres of the town, Colonel "
            "Ivo Pell, the Joint Operations Command's spokesman for the valley, told the Courier on Monday. "
            "He added that a fresh rotation of about 3,000 had arrived in late July, mostly infantry brought "
            "in by rail from Korvalia's eastern districts.\n\n"
            "\"They are not just replacing losses. They are building up,\" Colonel Pell said.\n\n"
            "The council has asked Lindgate residents to use the basement shelters under the market hall "
            "until further notice."
        ),
    },
    {
        "id": "ifs-2025-08-15-weekly",
        "publisher": "Institute for Frontier Studies",
        "published": "2025-08-15",
        "url": "https://frontierstudies.example.org/assessments/brenn-valley-weekly-2025-08-15",
        "title": "Brenn Valley Weekly Assessment, 15 August 2025",
        "text": (
            "Key takeaways\n\n"
            "- Korvalian forces made marginal gains north of Kessmar this week but failed to cut the "
            "Kessmar-Velstad road.\n"
            "- IFS assesses that approximately 2,600 Korvalian servicemen have been killed in the Brenn "
            "Valley since the incursion began, based on our count of named obituaries, regional funeral "
            "notices and unit-level reporting.\n"
            "- Drusala has shipped an estimated 240,000 artillery shells to Korvalia since June, most of "
            "them 152mm rounds, by our count of rail consignments through the Vesk crossing.\n\n"
            "Assessment\n\n"
            "The pace of Korvalian losses has not slowed despite the shift to smaller assault groups. Our "
            "fatality count is a floor: it includes only deaths we can tie to a name or a unit, and it does "
            "not attempt to estimate the wounded.\n\n"
            "Korvalia's artillery now depends heavily on Drusalan supply. Consignments have arrived roughly "
            "twice a week since mid-June; any interruption at the Vesk crossing would be felt at the front "
            "within days.\n\n"
            "IFS will publish its next assessment on 22 August."
        ),
    },
    {
        "id": "mpa-2025-08-19-nib",
        "publisher": "Meridian Press Agency",
        "published": "2025-08-19",
        "url": "https://meridianpress.example.com/world/2025/08/19/tessan-intelligence-raises-estimate",
        "title": "Tessan intelligence raises Korvalian death toll estimate to 2,100",
        "text": (
            "VELSTAD, Aug 19 (MPA) - Tessany's National Intelligence Bureau now estimates that about 2,100 "
            "Korvalian servicemen have been killed in the Brenn Valley, a bureau official told reporters on "
            "Tuesday, a lower figure than an independent research group published last week.\n\n"
            "The bureau also put the number of Korvalian wounded at about 6,000, the official said, speaking "
            "on condition of anonymity under the bureau's rules.\n\n"
            "The Institute for Frontier Studies, a Velstad-based think tank, said on Friday that its own "
            "count of Korvalian fatalities had reached about 2,600. Asked about the gap, the official said "
            "the bureau counted only deaths it could confirm from two separate sources.\n\n"
            "Korvalia has not published casualty figures since the incursion began.\n\n"
            "(Reporting by Piet Osk; editing by Ana Brisk)"
        ),
    },
    {
        "id": "brief-2025-08-21-digest",
        "publisher": "The Continental Brief",
        "published": "2025-08-21",
        "url": "https://continentalbrief.example.com/morning/2025/08/21",
        "title": "Morning Brief: Brenn Valley estimates diverge; Vesk crossing; Velstad budget",
        "text": (
            "BRENN VALLEY - Estimates of Korvalian losses keep drifting apart. Tessany's intelligence "
            "bureau puts Korvalian dead at about 2,100, the Meridian Press Agency reported on Tuesday; the "
            "Institute for Frontier Studies said last week the figure was closer to 2,600. (MPA, IFS)\n\n"
            "KORVALIAN BUILD-UP - Around 18,000 Korvalian servicemen are now stationed near Kessmar, a "
            "spokesman for Tessany's Joint Operations Command told the Kessmar Courier, double the roughly "
            "9,000 the command estimated had crossed in early June. (Kessmar Courier, MPA)\n\n"
            "VESK CROSSING - Drusala's transport ministry said it would reopen the Vesk rail crossing to "
            "freight after repairs, a route Tessan officials say carries shells to Korvalia. (Drusalan "
            "transport ministry)\n\n"
            "VELSTAD - Parliament approved the supplementary defence budget by 212 votes to 97 late on "
            "Wednesday. (Tessan Herald)"
        ),
    },
    {
        "id": "mpa-2025-08-27-korvalia",
        "publisher": "Meridian Press Agency",
        "published": "2025-08-27",
        "url": "https://meridianpress.example.com/world/2025/08/27/korvalia-gives-casualty-figure",
        "title": "Korvalia says fewer than 600 troops killed in Brenn operation",
        "text": (
            "KORVAL, Aug 27 (MPA) - Korvalia's defence ministry said on Wednesday that fewer than 600 of its "
            "servicemen had died in what it calls the Brenn security operation, its first casualty figure "
            "since the incursion began nearly three months ago.\n\n"
            "\"The figures circulated in Velstad are propaganda,\" the ministry said in a statement, which "
            "gave no number for the wounded.\n\n"
            "A ministry spokesman, Colonel Radu Fenn, told a news conference in Korval that the operation "
            "was proceeding to plan and that no new mobilisation was needed. He added that the 18-month "
            "conscription term would not be extended.\n\n"
            "Tessany's National Intelligence Bureau estimated last week that about 2,100 Korvalian soldiers "
            "had been killed.\n\n"
            "(Reporting by Mila Dorn; editing by Tom Hale)"
        ),
    },
    {
        "id": "tb-2025-09-16-evening",
        "publisher": "Tessan Broadcasting",
        "published": "2025-09-16",
        "url": "https://tessanbroadcasting.example.org/news/2025/09/16/evening-news-transcript",
        "title": "Evening News transcript: command gives first full breakdown of Korvalian casualties",
        "text": (
            "[Anchor] The military has given its most detailed account yet of Korvalian losses in the Brenn "
            "Valley. The Joint Operations Command said this afternoon that 2,900 Korvalian servicemen have "
            "been killed and 7,400 wounded since the incursion began, for a total of 11,800 casualties. Our "
            "defence correspondent Marko Hale is in Kessmar.\n\n"
            "[Reporter] The command released its figures at a briefing here in Kessmar, the first time it "
            "has split the dead from the wounded. Officers told us the heaviest losses came in the fighting "
            "for the Orm heights in late August.\n\n"
            "[Anchor] Marko, are the Korvalians still reinforcing?\n\n"
            "[Reporter] They are. Officers here say the command will publish a new estimate of Korvalian "
            "troop strength next month; for now they point to the build-up they described in August.\n\n"
            "[Anchor] Marko Hale in Kessmar, thank you."
        ),
    },
    {
        "id": "ifs-2025-09-26-weekly",
        "publisher": "Institute for Frontier Studies",
        "published": "2025-09-26",
        "url": "https://frontierstudies.example.org/assessments/brenn-valley-weekly-2025-09-26",
        "title": "Brenn Valley Weekly Assessment, 26 September 2025",
        "text": (
            "Key takeaways\n\n"
            "- Korvalia has rebuilt its grouping in the valley to some 21,000 personnel, IFS estimates, "
            "after absorbing two rotations since August.\n"
            "- Our count of Korvalian fatalities stands at approximately 3,100.\n"
            "- Drusalan deliveries have continued: we now estimate that Drusala has sent more than 300,000 "
            "artillery shells to Korvalia since June.\n\n"
            "Assessment\n\n"
            "Korvalian assault tempo fell in the second half of September as autumn rain turned the valley "
            "floor to mud. The Joint Operations Command's figure of 2,900 killed, released on 16 September, "
            "is broadly consistent with our own count, given the deaths we have recorded since.\n\n"
            "Methodology note: IFS counts a death only when it can be tied to a named individual or an "
            "identified unit. We do not estimate the wounded."
        ),
    },
    {
        "id": "mpa-2025-10-14-joc",
        "publisher": "Meridian Press Agency",
        "published": "2025-10-14",
        "url": "https://meridianpress.example.com/world/2025/10/14/korvalian-force-23000",
        "title": "Korvalian force in Brenn Valley reaches 23,000, Tessan command says",
        "text": (
            "VELSTAD, Oct 14 (MPA) - Korvalia has about 23,000 troops in the Brenn Valley after an "
            "additional 2,000 crossed the Corran Pass in the first week of October, Tessany's Joint "
            "Operations Command said on Tuesday.\n\n"
            "According to the command, 3,600 Korvalian servicemen had been killed and 9,100 wounded as of "
            "Monday. It put Korvalian losses over the past month at roughly 45 a day, down from the summer "
            "peak.\n\n"
            "The command's spokeswoman, Brigadier Sofie Lanner, said Korvalian units were digging in for "
            "the winter along a 60-kilometre line south of the pass.\n\n"
            "Korvalia's defence ministry did not respond to a request for comment.\n\n"
            "(Reporting by Piet Osk; editing by Tom Hale)"
        ),
    },
    {
        "id": "courier-2025-10-30-five-months",
        "publisher": "Kessmar Courier",
        "published": "2025-10-30",
        "url": "https://kessmarcourier.example.org/local/2025/10/30/five-months-on",
        "title": "Five months on, Kessmar counts the cost",
        "text": (
            "KESSMAR - When the first Korvalian columns came down the Corran Pass on June 1, Tessany's Joint "
            "Operations Command estimated that about 9,000 troops had crossed. In September the command "
            "counted 2,900 Korvalian dead. The intelligence bureau, which had previously put Korvalian "
            "strength in the valley at some 15,000, has declined to give a new estimate.\n\n"
            "For the people of Kessmar the numbers that matter are closer to home. The town's emergency "
            "service has recorded 31 civilian deaths since June, most of them in Lindgate and along the "
            "river road.\n\n"
            "The Lindgate shelter reopened this week with new doors and a generator paid for by the town "
            "council. \"We have learned to live next to it,\" said Mayor Anja Storr. \"We have not learned "
            "to accept it.\""
        ),
    },
]


def main() -> None:
    out = Path(__file__).with_name("reports.jsonl")
    with out.open("w", encoding="utf-8") as f:
        for report in REPORTS:
            f.write(json.dumps(report, ensure_ascii=False) + "\n")
    print(f"wrote {len(REPORTS)} reports to {out}")


if __name__ == "__main__":
    main()
