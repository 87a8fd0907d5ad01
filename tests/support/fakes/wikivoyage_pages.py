"""The articles the Wikivoyage fake serves, in Wikivoyage's wikitext with its listing templates.

Written for the tests, not copied from Wikivoyage: the sights are real places, the one-line
descriptions and the prices are ours (plausible, not current). The markup follows Wikivoyage's
listing templates (``{{see}}``, ``{{do}}``, ``{{eat}}``, ``{{sleep}}``, ``{{listing|type=}}``)
and article layout (``==See==``, ``===Budget===``...), including the things a parser must get
right: multi-line templates, nested templates and links, comments, and a big city whose sights
live in district articles.
"""

from __future__ import annotations

LISBON = """{{pagebanner|Lisbon banner.jpg}}
'''Lisbon''' ([[Portuguese phrasebook|Portuguese]]: ''Lisboa'') is the capital of [[Portugal]].

==Understand==
A city of seven hills on the [[Tagus]] estuary.

==See==
{{see
| name=Castelo de São Jorge | alt=St George's Castle | url=https://castelodesaojorge.pt
| lat=38.7139 | long=-9.1334 | wikidata=Q847997
| price=€15; free for residents of Lisbon
| content=A Moorish castle on the highest hill, with views over
[[Lisbon/Alfama|Alfama]] and the river.
}}
{{see | name=Mosteiro dos Jerónimos | alt=Jerónimos Monastery | wikidata=Q193149 | price=€12
| content=A Manueline monastery in Belém, with the tomb of Vasco da Gama. <!-- closed Mondays -->
}}
{{see | name=Torre de Belém | alt=Belém Tower | wikidata=Q213424 | price=€8
| content=A 16th-century fortified tower at the mouth of the Tagus.}}
{{see | name=Oceanário de Lisboa | wikidata=Q1049768 | price=€25
| content=One of Europe's largest aquariums, in the Parque das Nações.}}
{{see | name=Museu Nacional do Azulejo | wikidata=Q1537219 | price=€8
| content=Five centuries of Portuguese painted tiles in a former convent.}}
{{see | name=Miradouro da Senhora do Monte | price=Free
| content=The highest viewpoint in the city, best at sunset.}}

==Do==
* {{do | name=Tram 28 | price=€3 per ride
| content=The old yellow tram rattles through Graça, Alfama and Baixa.}}
* {{listing | type=do | name=Fado in Alfama | price=€20-30 with dinner
| content=Hear Lisbon's own music in a small ''casa de fado''.}}

==Eat==
===Budget===
{{eat | name=Time Out Market | price=mains €8-15
| content=Food hall with stalls of well-known chefs.}}
{{eat | name=A Merendeira | price=€5 | content=Soup and chouriço bread until late.}}
===Mid-range===
{{eat | name=Cervejaria Ramiro | price=€25-40 | content=Seafood and beer.}}
{{eat | name=Taberna da Rua das Flores | price=€20-30 | content=Small plates, no reservations.}}
===Splurge===
{{eat | name=Belcanto | price=€200 tasting menu}}

==Sleep==
===Budget===
{{sleep | name=Home Lisbon Hostel | price=dorms €25-35}}
{{sleep | name=Lisbon Destination Hostel | price=dorms €22-30}}
===Mid-range===
{{sleep | name=Casa do Príncipe | price=doubles €100-140}}
{{sleep | name=Hotel Lisboa Plaza | price=doubles €120-160}}
===Splurge===
{{sleep | name=Four Seasons Ritz | price=from €600}}
"""

KYOTO = """'''Kyoto''' (京都) was Japan's capital for more than a thousand years.

==See==
{{see | name=Kinkaku-ji | alt=Golden Pavilion | wikidata=Q45586 | price=¥500
| content=A Zen temple covered in gold leaf, reflected in its pond.}}
{{see | name=Fushimi Inari-taisha | wikidata=Q1040467 | price=Free
| content=Thousands of vermilion torii gates up a wooded hill.}}
{{see | name=Kiyomizu-dera | wikidata=Q1052569 | price=¥400
| content=A wooden temple on stilts above the city.}}
{{see | name=Arashiyama Bamboo Grove | price=Free | content=A path through tall bamboo.}}
{{see | name=Nijō Castle | wikidata=Q849624 | price=¥1,300
| content=The shoguns' palace, with floors that sing.}}

==Do==
{{do | name=Gion walk | content=Evening stroll through the old geisha district.}}

==Eat==
{{eat | name=Nishiki Market | price=snacks ¥300-800}}
{{eat | name=Omen | price=¥1,200}}
{{eat | name=Honke Owariya | price=¥1,800}}

==Sleep==
{{sleep | name=Piece Hostel Sanjo | price=dorms ¥3,500}}
{{sleep | name=Hotel Gran Ms | price=doubles ¥14,000}}
{{sleep | name=Ryokan Rakuchi | price=¥22,000}}
"""

TOKYO = """'''Tokyo''' is Japan's capital. See the [[#Districts|districts]] for what to see.

==Districts==
{{Regionlist
| region1name=[[Tokyo/Asakusa|Asakusa]] | region1description=Old Tokyo.
| region2name=[[Tokyo/Shinjuku|Shinjuku]] | region2description=Skyscrapers and nightlife.
}}

==See==
Most sights are in the district articles.
{{see | name=Tokyo Tower | price=¥1,200 | content=A red lattice tower with a view.}}

==Eat==
{{eat | name=Ichiran | price=¥1,000}}
{{eat | name=Tsukiji Outer Market | price=¥1,500}}

==Sleep==
{{sleep | name=Khaosan World | price=dorms ¥3,000}}
{{sleep | name=Hotel Gracery | price=¥18,000}}
"""

TOKYO_ASAKUSA = """==See==
{{see | name=Sensō-ji | wikidata=Q1065395 | price=Free | content=Tokyo's oldest temple.}}
{{see | name=Tokyo Skytree | price=¥2,100 | content=The tallest tower in Japan.}}
"""

TOKYO_SHINJUKU = """==See==
{{see | name=Shinjuku Gyoen | price=¥500 | content=A national garden with a greenhouse.}}
{{see | name=Tokyo Metropolitan Government Building | price=Free
| content=Free observation decks 200 metres up.}}
==Do==
{{do | name=Golden Gai | content=Tiny bars in narrow alleys.}}
"""

PAGES: dict[str, str] = {
    "Lisbon": LISBON,
    "Kyoto": KYOTO,
    "Tokyo": TOKYO,
    "Tokyo/Asakusa": TOKYO_ASAKUSA,
    "Tokyo/Shinjuku": TOKYO_SHINJUKU,
}
REDIRECTS: dict[str, str] = {"Lisboa": "Lisbon"}
