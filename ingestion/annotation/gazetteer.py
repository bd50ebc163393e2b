"""Gazetteer data for the annotation core: platforms, companies, countries, government bodies.

Everything here is plain data kept as one entry per line so that a reviewer can add a
country, an agency or an alias without reading code. The helpers at the bottom turn the
tables into lookup dicts and spaCy entity-ruler patterns.

Conventions
-----------
* Platform codes are the corpus vocabulary (``twitter`` ... ``wikipedia``, ``other``).
* Country codes are ISO 3166-1 alpha-2, plus ``EU`` for the European Union.
* Names are matched case-sensitively as written (plus an all-caps variant for headlines),
  so that "Chad" the country is not "chad" and "X" the platform is not "x".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# --------------------------------------------------------------------------------------
# Platforms: code -> aliases (products and names users and journalists write).
# "X" alone is ambiguous (a letter, "Generation X"); it is listed in AMBIGUOUS_ALIASES and
# only accepted in context by the annotator.
# --------------------------------------------------------------------------------------
PLATFORM_ALIASES: dict[str, tuple[str, ...]] = {
    "twitter": (
        "Twitter", "twitter", "Tweeter", "X", "X.com", "X Corp", "X Corp.", "X Corporation",
        "Twitter Inc", "Twitter Inc.", "Twitter India", "X (formerly Twitter)",
        "Elon Musk's X", "Musk's X", "microblogging site", "microblogging platform",
        "ट्विटर", "एक्स",
        "Periscope_DISABLED",  # Periscope belongs to Twitter but the corpus labels it "other"
    ),
    "facebook": ("Facebook", "facebook", "FB", "Facebook Inc", "Facebook Inc.", "Fb", "फेसबुक"),
    "instagram": ("Instagram", "instagram", "Insta", "IG", "इंस्टाग्राम"),
    "whatsapp": ("WhatsApp", "Whatsapp", "whatsapp", "WHATSAPP", "Whats App", "व्हाट्सएप", "व्हाट्सऐप"),
    "youtube": ("YouTube", "Youtube", "youtube", "YT", "यूट्यूब"),
    "google": (
        "Google", "google", "Google Search", "Google Play", "Google Play Store", "Play Store",
        "Google Maps", "Google News", "Gmail", "Blogger", "Google Drive", "Google Docs", "गूगल",
    ),
    "tiktok": ("TikTok", "Tiktok", "tiktok", "Tik Tok", "Douyin", "TIKTOK", "टिकटॉक"),
    "telegram": ("Telegram", "telegram", "Telegram Messenger", "टेलीग्राम"),
    "apple": ("App Store", "Apple App Store", "iTunes", "Apple Podcasts", "iCloud", "Apple"),
    "koo": ("Koo", "Koo App", "Koo app", "कू"),
    "signal": ("Signal app", "Signal messenger", "Signal Messenger", "Signal"),
    "linkedin": ("LinkedIn", "Linkedin", "linkedin"),
    "wikipedia": ("Wikipedia", "wikipedia", "Wikimedia", "Wikimedia Foundation"),
    "other": (
        "Viber", "WeChat", "Weixin", "Periscope", "Dailymotion", "Messenger",
        "Facebook Messenger", "VK", "VKontakte", "Vkontakte", "Odnoklassniki", "Snapchat",
        "Reddit", "Pinterest", "Tumblr", "Discord", "Twitch", "Rumble", "Parler", "Gab",
        "Truth Social", "Threads", "Clubhouse", "Tinder", "Grindr", "Skype", "Zoom",
        "Line", "KakaoTalk", "Weibo", "Sina Weibo", "Baidu", "Yandex", "Mastodon", "Bluesky",
        "Likee", "Bigo Live", "Bigo", "PUBG", "PUBG Mobile", "Tagged", "Skout", "SayHi",
        "Imo", "IMO", "Helo", "ShareChat", "Moj", "Vimeo", "Netflix", "Spotify", "Substack",
        "Medium", "Quora", "Shein", "Temu", "Microsoft Bing", "Bing", "DuckDuckGo",
        "Kick", "Nimo TV", "UC Browser", "CamScanner", "Roblox", "Steam",
    ),
}

# Aliases that are only platforms in the right context (see annotate._plausible_platform).
AMBIGUOUS_ALIASES: frozenset[str] = frozenset(
    {"X", "Signal", "Line", "Apple", "Koo", "Messenger", "Medium", "Kick", "Threads", "Zoom",
     "Steam", "Imo", "IMO", "Tagged", "Gab", "Helo", "Moj", "Bing", "FB", "IG", "YT", "Insta",
     "Fb", "Blogger"}
)

# Companies: name -> platforms they own, and the one meant when the company is the target
# ("Meta" fined -> usually Facebook). A company mention alone is weak evidence: the
# annotator only maps it when none of the company's products is named in the text.
@dataclass(frozen=True)
class Company:
    key: str
    names: tuple[str, ...]
    platforms: tuple[str, ...]
    default_platform: str | None


COMPANIES: tuple[Company, ...] = (
    Company("meta", ("Meta", "Meta Platforms", "Meta Platforms Inc", "Meta Platforms Inc."),
            ("facebook", "instagram", "whatsapp", "other"), "facebook"),
    Company("alphabet", ("Alphabet", "Alphabet Inc", "Alphabet Inc."), ("google", "youtube"), "google"),
    Company("bytedance", ("ByteDance", "Bytedance", "Byte Dance"), ("tiktok",), "tiktok"),
    Company("xcorp", ("X Corp", "X Corp.", "X Corporation", "X Holdings"), ("twitter",), "twitter"),
    Company("apple", ("Apple Inc", "Apple Inc.", "Apple"), ("apple",), "apple"),
    Company("microsoft", ("Microsoft",), ("linkedin", "other"), None),
    Company("tencent", ("Tencent",), ("other",), "other"),
    Company("bombinate", ("Bombinate Technologies",), ("koo",), "koo"),
    Company("telegram", ("Telegram Messenger LLP", "Telegram FZ-LLC"), ("telegram",), "telegram"),
)

# --------------------------------------------------------------------------------------
# Countries: ISO2 | names (;-separated, incl. common foreign-language forms) |
# demonyms (;-separated) | capitals (;-separated). Ambiguous names (Georgia = US state,
# Jordan/Chad = first names, Guinea alone) are left to the longer forms.
# --------------------------------------------------------------------------------------
_COUNTRY_TABLE = """
AF|Afghanistan|Afghan;Afghans|Kabul
AL|Albania;Shqipëria|Albanian|Tirana
DZ|Algeria;Algérie;Argelia|Algerian|Algiers
AD|Andorra|Andorran|Andorra la Vella
AO|Angola|Angolan|Luanda
AG|Antigua and Barbuda|Antiguan|St. John's
AR|Argentina;Argentine Republic;Argentinien|Argentine;Argentinian;Argentinean;argentino;argentina|Buenos Aires
AM|Armenia|Armenian|Yerevan
AU|Australia;Commonwealth of Australia|Australian;Australians|Canberra
AT|Austria;Österreich;Autriche|Austrian|Vienna;Wien
AZ|Azerbaijan|Azerbaijani;Azeri|Baku
BS|Bahamas;The Bahamas|Bahamian|Nassau
BH|Bahrain|Bahraini|Manama
BD|Bangladesh|Bangladeshi|Dhaka
BB|Barbados|Barbadian|Bridgetown
BY|Belarus;Byelorussia|Belarusian;Belarusan|Minsk
BE|Belgium;Belgique;België|Belgian|Brussels_DISABLED
BZ|Belize|Belizean|Belmopan
BJ|Benin;Bénin|Beninese|Porto-Novo;Cotonou
BT|Bhutan|Bhutanese|Thimphu
BO|Bolivia|Bolivian|La Paz;Sucre
BA|Bosnia and Herzegovina;Bosnia|Bosnian|Sarajevo
BW|Botswana|Motswana;Batswana|Gaborone
BR|Brazil;Brasil;Brésil;Brasilien|Brazilian;Brazilians;brasileño;brasileña;brasileiro;brasileira;brasileiros;brésilien;brésilienne;brasilianische;brasilianischen|Brasília;Brasilia
BN|Brunei;Brunei Darussalam|Bruneian|Bandar Seri Begawan
BG|Bulgaria|Bulgarian|Sofia
BF|Burkina Faso|Burkinabe;Burkinabè|Ouagadougou
BI|Burundi|Burundian|Gitega;Bujumbura
KH|Cambodia|Cambodian|Phnom Penh
CM|Cameroon;Cameroun|Cameroonian|Yaoundé;Yaounde
CA|Canada|Canadian;Canadians|Ottawa
CV|Cape Verde;Cabo Verde|Cape Verdean|Praia
CF|Central African Republic|Central African|Bangui
TD|Republic of Chad;Tchad|Chadian|N'Djamena
CL|Chile|Chilean|Santiago de Chile
CN|China;People's Republic of China;PRC;Chine;Tiongkok|Chinese;chino;china;chinois;chinoise;chinesische;chinês;chinesa|Beijing;Peking;Pekín;Pékin
CO|Colombia|Colombian|Bogotá;Bogota
KM|Comoros|Comorian|Moroni
CG|Republic of the Congo;Congo-Brazzaville|Congolese_DISABLED|Brazzaville
CD|Democratic Republic of the Congo;DR Congo;DRC;Congo-Kinshasa|Congolese|Kinshasa
CR|Costa Rica|Costa Rican|San José
CI|Ivory Coast;Côte d'Ivoire;Cote d'Ivoire|Ivorian|Yamoussoukro;Abidjan
HR|Croatia;Hrvatska|Croatian|Zagreb
CU|Cuba|Cuban|Havana
CY|Cyprus|Cypriot|Nicosia
CZ|Czech Republic;Czechia|Czech|Prague
DK|Denmark;Danmark|Danish|Copenhagen
DJ|Djibouti|Djiboutian|Djibouti City
DM|Dominica|Dominican_DISABLED|Roseau
DO|Dominican Republic|Dominican|Santo Domingo
EC|Ecuador|Ecuadorian|Quito
EG|Egypt;Egypte;Ägypten|Egyptian;Egyptians|Cairo
SV|El Salvador|Salvadoran;Salvadorean|San Salvador
GQ|Equatorial Guinea|Equatoguinean|Malabo
ER|Eritrea|Eritrean|Asmara
EE|Estonia|Estonian|Tallinn
SZ|Eswatini;Swaziland|Swazi|Mbabane
ET|Ethiopia|Ethiopian;Ethiopians|Addis Ababa
FJ|Fiji|Fijian|Suva
FI|Finland;Suomi|Finnish|Helsinki
FR|France;Frankreich;Francia;Prancis;Frankrijk|French;français;française;françaises;francés;francesa;französische;französischen;francês;Prancis|Paris;Élysée;Elysee
GA|Gabon|Gabonese|Libreville
GM|Gambia;The Gambia|Gambian|Banjul
GE|Republic of Georgia|Georgian_DISABLED|Tbilisi
DE|Germany;Deutschland;Alemania;Allemagne;Alemanha;Jerman;Federal Republic of Germany;Bundesrepublik|German;Germans;deutsche;deutschen;deutscher;alemán;alemana;allemand;allemande;alemão;alemã|Berlin
GH|Ghana|Ghanaian|Accra
GR|Greece;Hellas|Greek|Athens
GD|Grenada|Grenadian|St. George's
GT|Guatemala|Guatemalan|Guatemala City
GN|Republic of Guinea;Guinea-Conakry|Guinean|Conakry
GW|Guinea-Bissau|Bissau-Guinean|Bissau
GY|Guyana|Guyanese|Georgetown
HT|Haiti|Haitian|Port-au-Prince
HN|Honduras|Honduran|Tegucigalpa
HU|Hungary;Magyarország|Hungarian|Budapest
IS|Iceland;Ísland;Íslandi;Íslands;Islandia;Islande|Icelandic;Icelander;íslensk;íslenska;íslensku;íslenskra;íslenskum;íslensks;íslenskir;íslensk stjórnvöld|Reykjavík;Reykjavik
IN|India;Inde;Indien;Índia;Republic of India;भारत;हिंदुस्तान|Indian;Indians;indio;india;indien;indienne;indische;indischen;indiano;भारतीय|New Delhi;नई दिल्ली;दिल्ली
ID|Indonesia;Indonésie;Indonesien|Indonesian;Indonesians;indonesio;indonésien|Jakarta
IR|Iran;Islamic Republic of Iran|Iranian;Iranians|Tehran
IQ|Iraq|Iraqi;Iraqis|Baghdad
IE|Ireland;Republic of Ireland;Éire|Irish|Dublin
IL|Israel|Israeli;Israelis|Jerusalem
IT|Italy;Italia;Italie|Italian;Italians|Rome;Roma
JM|Jamaica|Jamaican|Kingston_DISABLED
JP|Japan;Nippon|Japanese|Tokyo
JO|Hashemite Kingdom of Jordan|Jordanian|Amman
KZ|Kazakhstan|Kazakh;Kazakhstani|Astana;Nur-Sultan
KE|Kenya|Kenyan;Kenyans|Nairobi
KI|Kiribati|I-Kiribati|Tarawa
KP|North Korea;DPRK;Democratic People's Republic of Korea|North Korean|Pyongyang
KR|South Korea;Republic of Korea;Korea|South Korean;Korean|Seoul
XK|Kosovo|Kosovar;Kosovan|Pristina
KW|Kuwait|Kuwaiti|Kuwait City
KG|Kyrgyzstan;Kyrgyz Republic|Kyrgyz|Bishkek
LA|Laos;Lao PDR|Laotian;Lao|Vientiane
LV|Latvia|Latvian|Riga
LB|Lebanon|Lebanese|Beirut
LS|Lesotho|Basotho|Maseru
LR|Liberia|Liberian|Monrovia
LY|Libya|Libyan|Tripoli
LI|Liechtenstein|Liechtensteiner|Vaduz
LT|Lithuania|Lithuanian|Vilnius
LU|Luxembourg|Luxembourgish;Luxembourger|Luxembourg City
MG|Madagascar|Malagasy|Antananarivo
MW|Malawi|Malawian|Lilongwe
MY|Malaysia|Malaysian;Malaysians|Kuala Lumpur;Putrajaya
MV|Maldives|Maldivian|Malé
ML|Mali|Malian|Bamako
MT|Malta|Maltese|Valletta
MH|Marshall Islands|Marshallese|Majuro
MR|Mauritania|Mauritanian|Nouakchott
MU|Mauritius|Mauritian|Port Louis
MX|Mexico;México;Mexiko;Mexique|Mexican;Mexicans;mexicano;mexicana;mexicain|Mexico City;Ciudad de México
FM|Micronesia|Micronesian|Palikir
MD|Moldova|Moldovan|Chișinău;Chisinau
MC|Monaco|Monégasque;Monegasque|Monaco-Ville
MN|Mongolia|Mongolian|Ulaanbaatar
ME|Montenegro|Montenegrin|Podgorica
MA|Morocco;Maroc;Marruecos|Moroccan|Rabat
MZ|Mozambique|Mozambican|Maputo
MM|Myanmar;Burma|Myanmarese;Burmese|Naypyidaw;Naypyitaw;Nay Pyi Taw;Yangon
NA|Namibia|Namibian|Windhoek
NR|Nauru|Nauruan|Yaren
NP|Nepal|Nepali;Nepalese|Kathmandu
NL|Netherlands;Holland;Nederland;The Netherlands|Dutch|Amsterdam;The Hague
NZ|New Zealand;Aotearoa|New Zealander;Kiwi|Wellington
NI|Nicaragua|Nicaraguan|Managua
NE|Niger|Nigerien|Niamey
NG|Nigeria;Federal Republic of Nigeria;Nigéria|Nigerian;Nigerians;nigeriano;nigérian|Abuja
MK|North Macedonia;Macedonia|Macedonian|Skopje
NO|Norway;Norge|Norwegian|Oslo
OM|Oman|Omani|Muscat
PK|Pakistan;Paquistán;Paquistão;पाकिस्तान|Pakistani;Pakistanis;paquistaní;pakistanais|Islamabad
PW|Palau|Palauan|Ngerulmud
PS|Palestine;State of Palestine;Palestinian Authority|Palestinian|Ramallah
PA|Panama|Panamanian|Panama City
PG|Papua New Guinea|Papua New Guinean|Port Moresby
PY|Paraguay|Paraguayan|Asunción;Asuncion
PE|Peru;Perú|Peruvian|Lima
PH|Philippines;Filipinas|Filipino;Philippine|Manila
PL|Poland;Polska|Polish|Warsaw
PT|Portugal|Portuguese|Lisbon;Lisboa
QA|Qatar|Qatari|Doha
RO|Romania|Romanian|Bucharest
RU|Russia;Russian Federation;Rusia;Russie;Russland;Rússia;Rusland|Russian;Russians;ruso;rusa;russe;russische;russischen;russo|Moscow;Moskau;Moscú;Moscou;Kremlin
RW|Rwanda|Rwandan|Kigali
KN|Saint Kitts and Nevis|Kittitian|Basseterre
LC|Saint Lucia|Saint Lucian|Castries
VC|Saint Vincent and the Grenadines|Vincentian|Kingstown
WS|Samoa|Samoan|Apia
SM|San Marino|Sammarinese|City of San Marino
ST|São Tomé and Príncipe;Sao Tome and Principe|Santomean|São Tomé
SA|Saudi Arabia;Kingdom of Saudi Arabia;KSA|Saudi;Saudis|Riyadh
SN|Senegal;Sénégal|Senegalese|Dakar
RS|Serbia;Srbija|Serbian|Belgrade
SC|Seychelles|Seychellois|Victoria_DISABLED
SL|Sierra Leone|Sierra Leonean|Freetown
SG|Singapore;Singapura|Singaporean;Singaporeans|Singapore City
SK|Slovakia|Slovak|Bratislava
SI|Slovenia|Slovenian;Slovene|Ljubljana
SB|Solomon Islands|Solomon Islander|Honiara
SO|Somalia|Somali|Mogadishu
ZA|South Africa|South African;South Africans|Pretoria;Cape Town
SS|South Sudan|South Sudanese|Juba
ES|Spain;España;Espagne;Spanien;Espanha;Spanyol|Spanish;español;española;españoles;espagnol;espagnole;spanische;spanischen;espanhol|Madrid
LK|Sri Lanka;Ceylon|Sri Lankan;Sri Lankans|Colombo;Sri Jayawardenepura Kotte
SD|Sudan|Sudanese|Khartoum
SR|Suriname|Surinamese|Paramaribo
SE|Sweden;Sverige|Swedish|Stockholm
CH|Switzerland;Schweiz;Suisse;Svizzera|Swiss|Bern;Berne
SY|Syria|Syrian;Syrians|Damascus
TW|Taiwan;Republic of China|Taiwanese|Taipei
TJ|Tajikistan|Tajik;Tajikistani|Dushanbe
TZ|Tanzania|Tanzanian|Dodoma;Dar es Salaam
TH|Thailand;Thaïlande|Thai|Bangkok
TL|Timor-Leste;East Timor|Timorese|Dili
TG|Togo|Togolese|Lomé;Lome
TO|Tonga|Tongan|Nuku'alofa
TT|Trinidad and Tobago|Trinidadian|Port of Spain
TN|Tunisia|Tunisian|Tunis
TR|Turkey;Türkiye;Turkiye;Turquía;Turquie;Türkei;Turki|Turkish;Turks;turco;turca;turque;türkische;türkischen|Ankara
TM|Turkmenistan|Turkmen|Ashgabat
TV|Tuvalu|Tuvaluan|Funafuti
UG|Uganda|Ugandan;Ugandans|Kampala
UA|Ukraine;Ucrania|Ukrainian;Ukrainians|Kyiv;Kiev
AE|United Arab Emirates;UAE;Emirates|Emirati|Abu Dhabi
GB|United Kingdom;UK;U.K.;Britain;Great Britain;England;Scotland;Wales;Reino Unido;Royaume-Uni|British;Briton;English_DISABLED|London;Westminster;Downing Street;Whitehall
US|United States;United States of America;USA;U.S.;U.S.A.;US;EE.UU.;EEUU;America;Estados Unidos;États-Unis;Vereinigte Staaten;Amerika Serikat;EUA|American;Americans;estadounidense;norteamericano;américain;américaine;amerikanische;amerikanischen;norte-americano|Washington;Washington D.C.;White House;Capitol Hill;Casa Blanca;Maison Blanche;Weißes Haus
UY|Uruguay|Uruguayan|Montevideo
UZ|Uzbekistan|Uzbek|Tashkent
VU|Vanuatu|Ni-Vanuatu|Port Vila
VA|Vatican;Holy See;Vatican City|Vatican_DISABLED|Vatican City_DISABLED
VE|Venezuela|Venezuelan|Caracas
VN|Vietnam;Viet Nam|Vietnamese|Hanoi
YE|Yemen|Yemeni|Sanaa;Sana'a
ZM|Zambia|Zambian|Lusaka
ZW|Zimbabwe|Zimbabwean|Harare
HK|Hong Kong|Hongkonger|Hong Kong_DISABLED
EU|European Union;EU;E.U.;UE;Union européenne;Unión Europea;União Europeia;Europäische Union;Uni Eropa;Evrópusambandið;Evrópusambandsins|European_DISABLED|Brussels;Bruselas;Bruxelles;Brüssel
"""

# --------------------------------------------------------------------------------------
# Government bodies: ISO2 | name. Regulators, ministries, courts, parliaments, heads of
# state offices. Generic phrases ("the government", "the ministry") are handled by rules.
# --------------------------------------------------------------------------------------
_GOV_BODY_TABLE = """
IN|Ministry of Electronics and Information Technology
IN|Ministry of Electronics and IT
IN|MeitY
IN|MEITY
IN|IT Ministry
IN|IT ministry
IN|Ministry of Information and Broadcasting
IN|I&B Ministry
IN|Ministry of Home Affairs_IN_DISABLED
IN|Supreme Court of India
IN|Delhi High Court
IN|Karnataka High Court
IN|Bombay High Court
IN|Madras High Court
IN|Election Commission of India
IN|CERT-In
IN|Lok Sabha
IN|Rajya Sabha
IN|Delhi Police
IN|Government of India
IN|Indian government
RU|Roskomnadzor
RU|Federal Service for Supervision of Communications
RU|State Duma
RU|Duma
RU|Tagansky District Court
RU|Tagansky court
RU|Ministry of Digital Development
RU|Prosecutor General's Office_RU_DISABLED
TR|BTK
TR|Information and Communication Technologies Authority
TR|Information and Communications Technologies Authority
TR|ICTA
TR|RTÜK
TR|RTUK
TR|Radio and Television Supreme Council
TR|Turkish Competition Authority
TR|Grand National Assembly
PK|PTA
PK|Pakistan Telecommunication Authority
PK|Pakistan Telecommunications Authority
PK|Ministry of Information Technology and Telecommunication
PK|Islamabad High Court
PK|Peshawar High Court
PK|Sindh High Court
PK|Lahore High Court
PK|FIA
PK|Federal Investigation Agency
PK|PEMRA
NG|NCC
NG|Nigerian Communications Commission
NG|NBC
NG|National Broadcasting Commission
NG|NITDA
NG|National Information Technology Development Agency
NG|Federal Government of Nigeria
NG|Ministry of Information and Culture
NG|FCCPC
NG|Federal Competition and Consumer Protection Commission
AU|eSafety Commissioner
AU|eSafety Commission
AU|Office of the eSafety Commissioner
AU|eSafety
AU|ACCC
AU|Australian Competition and Consumer Commission
AU|ACMA
AU|Australian Communications and Media Authority
AU|Federal Court of Australia
BR|Anatel
BR|STF
BR|Supreme Federal Court
BR|Federal Supreme Court
BR|Supremo Tribunal Federal
BR|TSE
BR|Superior Electoral Court
BR|Tribunal Superior Eleitoral
BR|Polícia Federal
BR|Ministry of Justice and Public Security
BR|Senacon
DE|Bundesamt für Justiz
DE|Federal Office of Justice
DE|Bundesnetzagentur
DE|Federal Network Agency
DE|Bundeskartellamt
DE|Federal Cartel Office
DE|Bundestag
DE|Federal Ministry of Justice
DE|Bundesjustizministerium
CN|CAC
CN|Cyberspace Administration of China
CN|MIIT
CN|Ministry of Industry and Information Technology
CN|Ministry of Public Security
CN|Great Firewall
CN|State Administration for Market Regulation
CN|Communist Party
GB|Ofcom
GB|Information Commissioner's Office
GB|ICO
GB|Competition and Markets Authority
GB|CMA
GB|Home Office
GB|Department for Science, Innovation and Technology
GB|DCMS
GB|House of Commons
GB|High Court in London
SG|POFMA Office
SG|Pofma Office
SG|Protection from Online Falsehoods and Manipulation Act Office
SG|IMDA
SG|Infocomm Media Development Authority
EU|European Commission
EU|EU Commission
EU|Commission européenne
EU|Comisión Europea
EU|Europäische Kommission
EU|European Parliament
EU|Court of Justice of the European Union
EU|CJEU
EU|European Court of Justice
EU|Council of the European Union
EU|European Data Protection Board
EU|Thierry Breton_DISABLED
FR|Arcom
FR|CSA_FR_DISABLED
FR|CNIL
FR|Conseil d'État
FR|Élysée Palace
FR|Paris prosecutor
FR|Paris prosecutor's office
IE|Data Protection Commission
IE|Irish Data Protection Commission
IE|Coimisiún na Meán
IT|AGCOM
IT|Garante
IT|Italian data protection authority
ES|CNMC
ES|Audiencia Nacional
ES|Agencia Española de Protección de Datos
US|Congress
US|U.S. Congress
US|Supreme Court_US_DISABLED
US|Federal Trade Commission
US|FTC
US|Federal Communications Commission
US|FCC
US|Department of Justice
US|Justice Department
US|Department of Commerce
US|Commerce Department
US|CFIUS
US|Committee on Foreign Investment in the United States
US|House of Representatives
US|Trump administration
US|Biden administration
ID|Kominfo
ID|Ministry of Communication and Informatics
ID|Kementerian Komunikasi dan Informatika
ID|Komdigi
ID|Kementerian Komunikasi dan Digital
VN|Ministry of Information and Communications
VN|Ministry of Public Security_VN_DISABLED
TH|Digital Economy and Society Ministry
TH|Ministry of Digital Economy and Society
TH|NBTC
MY|MCMC
MY|Malaysian Communications and Multimedia Commission
PH|NTC
PH|National Telecommunications Commission
BD|BTRC
BD|Bangladesh Telecommunication Regulatory Commission
LK|TRCSL
LK|Telecommunications Regulatory Commission of Sri Lanka
KE|Communications Authority of Kenya
KE|High Court of Kenya
UG|Uganda Communications Commission
UG|UCC
ET|Ethiopian Communications Authority
TZ|Tanzania Communications Regulatory Authority
TZ|TCRA
ZA|ICASA
GH|National Communications Authority
EG|National Telecom Regulatory Authority
EG|Supreme Council for Media Regulation
IR|Supreme Council of Cyberspace
IR|Iranian judiciary
MM|Ministry of Transport and Communications
MM|Tatmadaw
MM|junta_MM_DISABLED
KZ|Ministry of Information and Social Development
BY|Ministry of Information of Belarus
UA|National Security and Defense Council
CA|CRTC
CA|Canadian Radio-television and Telecommunications Commission
CA|Canadian Heritage
NZ|Department of Internal Affairs
KR|Korea Communications Commission
KR|Korea Communications Standards Commission
JP|Ministry of Internal Affairs and Communications
MX|Instituto Federal de Telecomunicaciones
AR|ENACOM
CO|Superintendencia de Industria y Comercio
VE|CONATEL
RU|RKN
RU|Federal Antimonopoly Service
RU|Investigative Committee of Russia
BR|ANPD
BR|Autoridade Nacional de Proteção de Dados
BR|Ministério da Justiça
BR|Supremo
DE|Bundesministerium der Justiz
DE|BfJ
DE|Medienanstalt
DE|Landesmedienanstalt
FR|Pharos
ES|Guardia Civil
ES|Tribunal Supremo
ID|Kemenkominfo
ID|Kemkominfo
IN|Ministry of Information & Broadcasting
NP|Nepal Telecommunications Authority
NP|Nepal Telecommunication Authority
ZW|POTRAZ
SN|ARTP
LK|Sri Lanka Telecommunications Regulatory Commission
ET|Ethio Telecom
CU|ETECSA
AU|Office of the Australian Information Commissioner
EU|European Data Protection Supervisor
EU|EDPB
IT|Garante per la protezione dei dati personali
TR|KVKK
TR|Personal Data Protection Authority
PK|Pakistan Electronic Media Regulatory Authority
NG|Federal Ministry of Information
KE|Kenya Film Classification Board
"""

# Well-known officials whose names clearly identify a government in dispute coverage.
# ISO2 | name. The database adds more through ``extra_patterns``.
_OFFICIAL_TABLE = """
IN|Ravi Shankar Prasad
IN|Ashwini Vaishnaw
IN|Rajeev Chandrasekhar
IN|Narendra Modi
IN|Amit Shah
NG|Lai Mohammed
NG|Muhammadu Buhari
NG|Bola Tinubu
BR|Alexandre de Moraes
BR|Luiz Inácio Lula da Silva
BR|Flávio Dino
BR|Flavio Dino
BR|Jair Bolsonaro
TR|Recep Tayyip Erdoğan
TR|Recep Tayyip Erdogan
TR|Omer Fatih Sayan
TR|Ömer Fatih Sayan
RU|Vladimir Putin
RU|Dmitry Peskov
UG|Yoweri Museveni
UG|Yoweri Kaguta Museveni
AU|Julie Inman Grant
AU|Josh Frydenberg
AU|Paul Fletcher
AU|Scott Morrison
AU|Anthony Albanese
AU|Michelle Rowland
PK|Imran Khan
PK|Shehbaz Sharif
EU|Thierry Breton
EU|Margrethe Vestager
EU|Ursula von der Leyen
EU|Henna Virkkunen
US|Joe Biden
US|President Biden
US|Donald Trump
SG|K Shanmugam
SG|Lee Hsien Loong
DE|Heiko Maas
MM|Min Aung Hlaing
ET|Abiy Ahmed
ID|Johnny G. Plate
ID|Budi Arie Setiadi
ID|Meutya Hafid
RU|Alexander Zharov
RU|Andrei Lipov
IN|Anurag Thakur
ID|Rudiantara
"""


def _rows(table: str) -> list[list[str]]:
    return [line.split("|") for line in table.strip().splitlines() if line.strip()]


def _clean(names: str) -> list[str]:
    """Split a ;-list and drop entries switched off with a ``_DISABLED`` marker (kept in
    the table so that the reason for leaving them out stays visible)."""
    out = []
    for n in names.split(";"):
        n = n.strip()
        if n and "_DISABLED" not in n:
            out.append(n)
    return out


@dataclass(frozen=True)
class CountryEntry:
    iso2: str
    names: tuple[str, ...]
    demonyms: tuple[str, ...]
    capitals: tuple[str, ...]


@lru_cache(maxsize=1)
def countries() -> dict[str, CountryEntry]:
    out: dict[str, CountryEntry] = {}
    for iso2, names, demonyms, capitals in _rows(_COUNTRY_TABLE):
        out[iso2] = CountryEntry(iso2, tuple(_clean(names)), tuple(_clean(demonyms)),
                                 tuple(_clean(capitals)))
    return out


@lru_cache(maxsize=1)
def gov_bodies() -> list[tuple[str, str]]:
    return [(iso2, name) for iso2, names in _rows(_GOV_BODY_TABLE) for name in _clean(names)]


@lru_cache(maxsize=1)
def officials() -> list[tuple[str, str]]:
    return [(iso2, name) for iso2, name in _rows(_OFFICIAL_TABLE)]


def country_name(iso2: str) -> str:
    entry = countries().get(iso2)
    return entry.names[0] if entry else iso2


def company_by_key(key: str) -> Company | None:
    return next((c for c in COMPANIES if c.key == key), None)


def _case_variants(name: str) -> set[str]:
    """The name as written plus an all-caps form (headline style). Short all-caps
    acronyms stay as they are."""
    variants = {name}
    if len(name) > 3 and not name.isupper():
        variants.add(name.upper())
    if name[:1].islower():
        # Foreign demonyms are written in lower case ("brasileño") but start sentences too.
        variants.add(name[:1].upper() + name[1:])
    return variants


def entity_patterns() -> list[dict]:
    """Entity-ruler phrase patterns for every gazetteer entry.

    Labels and ids:
    * PLATFORM  id=<platform code>
    * COMPANY   id=<company key>
    * COUNTRY / DEMONYM / CAPITAL  id=<ISO2>
    * GOV_BODY / OFFICIAL  id=<ISO2>  (``ISO2:<slug>`` ids from the database work the same)
    """
    patterns: list[dict] = []
    seen: set[tuple[str, str]] = set()

    def add(label: str, name: str, ident: str) -> None:
        for variant in _case_variants(name):
            if (variant, label) in seen:
                continue
            seen.add((variant, label))
            patterns.append({"label": label, "pattern": variant, "id": ident})

    # Order matters for overlaps of equal length: the ruler keeps the first.
    for company in COMPANIES:
        for name in company.names:
            if name not in ("Apple",):  # "Apple" alone is the App Store platform alias
                add("COMPANY", name, company.key)
    for code, aliases in PLATFORM_ALIASES.items():
        for alias in aliases:
            if "_DISABLED" not in alias:
                add("PLATFORM", alias, code)
    for iso2, name in gov_bodies():
        add("GOV_BODY", name, iso2)
    for iso2, name in officials():
        add("OFFICIAL", name, iso2)
    for entry in countries().values():
        for name in entry.names:
            add("COUNTRY", name, entry.iso2)
        for name in entry.demonyms:
            add("DEMONYM", name, entry.iso2)
        for name in entry.capitals:
            add("CAPITAL", name, entry.iso2)
    return patterns


def country_of(link: str | None) -> str | None:
    """ISO2 carried by a mention link: "IN" or "IN:meity" -> "IN"; platform codes -> None."""
    if not link:
        return None
    head = link.split(":", 1)[0]
    return head if head in countries() else None
