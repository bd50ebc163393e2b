"""Cue rules: the regular expressions that find claim phrases, and the parsers of their values.

Patterns run over the masked text of ``ingestion.annotation.nlp`` (gazetteer mentions replaced by
same-length placeholders) and say which demand, penalty, outcome or legal basis a phrase states,
and which counts of accounts or posts it names. Plain Python, no spaCy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# --------------------------------------------------------------------------------------
# Rule tables. Patterns run case-insensitively over the masked text unless a rule says
# otherwise. P = a platform placeholder, G = a government placeholder, C = a country.
# --------------------------------------------------------------------------------------
P = r"@[@']*(?:s)?"  # "@@@@@@@" or "@@@@@@@'s"
G = r"#[#']*(?:s)?"
C = r"%[%']*(?:s)?"
W = r"(?:(?:[\w'’-]+|\d[\d,.]*),?\s+)"  # one filler word (incl. "1,178", "platform,")
NUM_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}
_NUMW = "|".join(NUM_WORDS)
NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|{_NUMW})"
SCALE = r"(?:\s*(?:million|mn|m|billion|bn|lakh|crore|thousand|k))?"

# Things a government asks a platform to act on, by demand type.
ACCOUNT_NOUNS = r"(?:accounts?|handles?|profiles?)"
CONTENT_NOUNS = (
    r"(?:posts?|tweets?|content|contents|videos?|pages?|channels?|urls?|links?|apps?|"
    r"applications|materials?|hashtags?|messages?|comments?|articles?|publications?|"
    r"photos?|images?|groups?|reposts?)"
)
# Nouns for the passive form ("posts were removed"); a singular "app was blocked" is the
# service itself.
CONTENT_NOUNS_PLURAL = (
    r"(?:posts|tweets|content|contents|videos|pages|channels|urls|links|apps|applications|"
    r"materials|hashtags|messages|comments|articles|publications|photos|images|groups|reposts)"
)
REMOVE_VERBS = (
    r"(?:remov(?:e|es|ed|ing|al)|delet(?:e|es|ed|ing|ion)|take(?:s|n)? down|took down|"
    r"taking down|takedown|block(?:s|ed|ing)?|withh[oe]ld(?:s|ing)?|withheld|pull(?:s|ed|ing)?|"
    r"censor(?:s|ed|ing)?|disabl(?:e|es|ed|ing)|suspend(?:s|ed|ing)?|suspension|"
    r"restrict(?:s|ed|ing)?|lock(?:s|ed)?|ban(?:s|ned|ning)?|purg(?:e|ed)|scrub(?:bed)?)"
)
SERVICE_VERBS = (
    r"(?:ban(?:s|ned|ning)?|block(?:s|ed|ing)?|suspend(?:s|ed|ing)?|shut(?:s|ting)? down|"
    r"shutdown of|cut(?:s|ting)? off|outlaw(?:s|ed)?|prohibit(?:s|ed)?|restrict(?:s|ed|ing)?)"
)

# (kind, value, pattern[, flags]) — kinds: demand, penalty, outcome, legal_basis.
RuleRow = tuple[str, str, str]

DEMAND_RULES: tuple[RuleRow, ...] = (
    ("demand", "withhold_accounts",
     rf"\b{REMOVE_VERBS}\s+(?:{W}){{0,5}}?{ACCOUNT_NOUNS}\b(?!\s+(?:data|information))"),
    ("demand", "withhold_accounts",
     rf"\b(?:accounts?|handles?)\s+(?:{W}){{0,6}}?(?:be\s+|were\s+|was\s+|been\s+)?"
     rf"(?:blocked|withheld|suspended|removed|deleted|taken down|censored|banned|disabled)\b"),
    # "blocked social media app TikTok" / "the video-sharing platform" name the service
    # itself (ban_service), hence the look-aheads.
    ("demand", "remove_content",
     rf"\b{REMOVE_VERBS}\s+(?:(?!{ACCOUNT_NOUNS}\b){W}){{0,5}}?{CONTENT_NOUNS}\b(?![-‐]|\s*@)"),
    ("demand", "remove_content",
     rf"\b{CONTENT_NOUNS_PLURAL}\s+(?:{W}){{0,6}}?(?:be\s+|were\s+|was\s+|been\s+)?"
     rf"(?:blocked|withheld|removed|deleted|taken down|censored|pulled)\b"),
    ("demand", "remove_content", r"\b(?:takedown|removal)\s+(?:orders?|requests?|notices?|demands?)\b"),
    # App-store removals: "removed WhatsApp and Threads from its App Store", "ordered the removal".
    ("demand", "remove_content",
     rf"\b(?:remov\w*|pull\w*|delist\w*|took down|take down|taking down)\s+(?:the\s+)?{P}(?:\s*(?:,|and)\s*{P})*\s+"
     rf"(?:(?:apps?|applications?)\s+)?from\s+(?:(?:its|the|their)\s+)?(?:{W}){{0,2}}?{P}"),
    ("demand", "remove_content",
     r"\b(?:order\w*|demand\w*|request\w*|direct\w*|sought|seek\w*)\s+(?:the\s+)?(?:removal|takedown|deletion|blocking)\s+of\b"),
    ("demand", "geo_block",
     r"\bgeo-?(?:block|restrict|fenc)\w*|\b(?:only|solely) (?:for|to) users in\b|"
     r"\brestrict(?:ed|ing)? access (?:[\w'’-]+\s+){0,3}(?:within|inside) the country\b"),
    ("demand", "ban_service",
     rf"\b{SERVICE_VERBS}\s+(?:access\s+to\s+|the\s+operations?\s+of\s+|operations?\s+of\s+|"
     rf"the\s+use\s+of\s+|use\s+of\s+|the\s+(?:[\w'’-]+\s+)?(?:app|platform|service|site)\s+)?"
     rf"(?:the\s+)?(?:{W})?{P}"),
    ("demand", "ban_service",
     rf"\b(?:ban|block|blocking|suspension|shutdown|blockage|blackout)\s+(?:of|on)\s+"
     rf"(?:access\s+to\s+)?(?:the\s+)?(?:{W}){{0,2}}?{P}"),
    ("demand", "ban_service",
     rf"{P}\s+(?:ban|block|blocking|suspension|shutdown|blockage)\b"),
    ("demand", "ban_service",
     rf"{P}(?:,\s*{P})*(?:\s*(?:,|and|or)\s*{P})*\s+(?:(?!{ACCOUNT_NOUNS}\b|{CONTENT_NOUNS}\b){W}){{0,3}}?"
     rf"(?:was|were|is|are|has been|have been|had been|would be|will be|be)\s+"
     rf"(?:[\w'’-]+\s+)?(?:banned|blocked|suspended|shut down|restricted|made inaccessible)\b"),
    ("demand", "ban_service",
     r"\b(?:block|blocked|blocking|restrict|restricted|suspend|suspended|cut|shut down)\s+"
     r"(?:access\s+to\s+|(?:all\s+)?)(?:[\w'’-]+\s+){0,2}(?:social media|social networks?|messaging (?:apps?|services?)|"
     r"the internet|internet access|mobile data)\b"),
    ("demand", "ban_service",
     r"\b(?:internet|social media|network) (?:shutdown|blackout|ban|blockade)s?\b|\bshut(?:ting)? down the internet\b"),
    ("demand", "ban_service", r"\b(?:ban|sell)-?or-?(?:ban|sell)\b|\bdivest-or-ban\b|\bnationwide ban\b"),
    ("demand", "throttle",
     r"\bthrottl\w+|\bbandwidth\s+(?:reduction|restriction|limitation|cut)s?\b|"
     r"\breduc\w+\s+(?:[\w'’-]+\s+){0,3}bandwidth\b|\bslow(?:ed|ing|s)?\s+down\s+(?:the\s+)?(?:speed|service|access)\b|"
     rf"\bslow(?:ed|ing|s)?\s+(?:down\s+)?(?:access\s+to\s+)?{P}"),
    ("demand", "user_data",
     r"\b(?:hand(?:ed|ing)? over|provid\w*|disclos\w*|turn(?:ed)? over|supply|submit\w*|furnish\w*|"
     r"(?:request|demand|seek)\w*|access to)\s+(?:[\w'’-]+\s+){0,3}?(?:user data|users' data|personal data|data of|data on|"
     r"(?:all\s+)?information (?:on|about|of|that|the|which|requested)|(?:data|information)\s+(?:[\w'’-]+\s+){0,4}?(?:requested|sought|demanded|asked for)|details of|identit(?:y|ies)|ip addresses|phone numbers|"
     r"subscriber|records of)\b"),
    ("demand", "user_data",
     r"\b(?:user|subscriber|personal) (?:data|information) (?:requests?|demands?)\b|\b(?:data|information) requests?\b|"
     r"\bcooperat\w+ with (?:the\s+)?(?:[\w'’-]+\s+){0,2}(?:investigation|police|authorities|probe)\b|"
     r"\bidentify (?:the\s+)?(?:[\w'’-]+\s+)?(?:users|authors|originators?|administrators)\b|\btraceability\b|"
     r"\bfirst originator\b|\b(?:break|weaken) (?:its\s+)?encryption\b|\bdecrypt\w*\b"),
    ("demand", "local_presence",
     r"\blocal(?:ly)?\s+(?:[\w'’-]+\s+)?(?:representatives?|office|presence|entity|agent|"
     r"compliance officer|grievance officer|contact)\b|\bappoint\w*\s+(?:an?\s+|its\s+|their\s+)?"
     r"(?:(?:local|legal|resident|formal|country|compliance|grievance|nodal|chief|official)\s+){0,2}"
     r"(?:representatives?|officers?|agents?|entity)\b|\blegal representatives?\b|"
     r"\b(?:register|registration|licens\w+|licenc\w+)\s+(?:[\w'’-]+\s+){0,5}?(?:locally|in the country|"
     r"ott|social media (?:operations|platforms|companies))\b|\bnodal (?:contact|officer)\b|"
     r"\b(?:open|set up|establish)\w*\s+(?:an?\s+)?(?:local\s+)?office in\b|\bdigital services tax\b"),
    ("demand", "data_localisation",
     r"\bdata locali[sz]ation\b|\bstor\w+\s+(?:[\w'’-]+\s+){0,4}?data\s+(?:[\w'’-]+\s+){0,2}?(?:locally|"
     r"in the country|within the country|inside the country|on (?:local\s+)?servers|in (?:%+))\b|"
     r"\blocal(?:ly)?\s+stor\w+\s+of\s+(?:[\w'’-]+\s+){0,3}data\b|\bdata cent(?:er|re)s?\s+in\b|"
     r"\bservers?\s+(?:located\s+)?in\s+(?:the country|%+)\b"),
    ("demand", "restore_content",
     r"\b(?:restor|reinstat|unblock)\w*\s+(?:[\w'’-]+\s+){0,4}?(?:accounts?|content|posts?|tweets?|pages?|videos?|channels?)\b|"
     r"\bstop\s+(?:suppressing|censoring|restricting|throttling)\s+(?:[\w'’-]+\s+){0,3}(?:content|media|accounts)\b"),
    ("demand", "proactive_monitoring",
     r"\b(?:moderat|filter|monitor|screen|police|detect)\w*\s+(?:[\w'’-]+\s+){0,3}?(?:content|accounts|posts|material)\b|"
     r"\bcontent moderation\b|\b(?:effective|moderation|filtering|monitoring)\s+mechanism\b|"
     r"\bmechanism (?:for|to)\s+(?:[\w'’-]+\s+){0,2}(?:block|moderat|remov|filter|detect)\w*|"
     r"\bproactive(?:ly)?\b|\bstandard operating procedures?\b|\bSOPs?\b|\bmore moderators\b"),
    # Obligations the corpus lumps into `other` (disputes/vocab.py maps them back to it for
    # evaluation); each only on a cue that defines it.
    ("demand", "transparency_reports",
     r"\btransparency report\w*|\btransparency (?:obligations|requirements|rules|duties)\b|"
     r"\badvertising repositor\w+|\bdata access for researchers\b|\baccess to (?:its\s+)?data for researchers\b|"
     r"\bunder-?report\w*"),
    ("demand", "label_content", r"\bcorrection (?:directions?|notices?|orders?)\b|\btargeted correction\b"),
    ("demand", "pay_for_news",
     r"\bpay (?:[\w'’-]+\s+){0,3}(?:for news|publishers|news (?:outlets|organisations|organizations|media|companies))\b|"
     r"\bbargaining code\b"),
    ("demand", "divest", r"\bdivest\w*\b|\bsell (?:its|the) (?:[\w'’-]+\s+)?(?:operations|business|stake|app)\b"),
    ("demand", "systemic_risk", r"\bdeceptive design\b|\bdark patterns\b|\brisk assessments?\b"),
    ("demand", "age_verification", r"\bage verification\b"),
    ("demand", "other",
     r"\bpolitical ads? (?:ban|blackout)\b|\bsuspend\w*\s+(?:[\w'’-]+\s+){0,2}(?:political\s+)?advertis\w+"),
)

PENALTY_RULES: tuple[RuleRow, ...] = (
    ("penalty", "jail_term",
     rf"\b{NUMBER}[- ](?:year|month)s?(?:-long)?\s+(?:[\w'’-]+\s+)?(?:jail|prison|imprisonment|sentences?)\b|"
     r"\b(?:jail|prison)\s+(?:terms?|sentences?|time)\b|\bimprisonment\b|\bup to\s+\S+\s+years?\s+in\s+(?:jail|prison)\b|"
     r"\b(?:be\s+)?(?:jailed|imprisoned)\b"),
    ("penalty", "fine",
     r"\bfine[sd]?\b|\bfining\b|\bmonetary penalt\w+|\bfinancial penalt\w+|\bpenalt(?:y|ies) of\b|"
     r"\bdaily penalt\w+|\bdamages of\b"),
    ("penalty", "ban",
     r"\bthreat\w*\s+(?:to\s+)?(?:[\w'’-]+\s+){0,2}?(?:ban|block|shut down|suspend)\w*\b|"
     r"\b(?:risk|risks|risking|face|faces|facing|could face)\s+(?:an?\s+)?(?:[\w'’-]+\s+)?(?:ban|block|blocking|suspension|shutdown)\b|"
     r"\b(?:could|may|might|risks? being)\s+(?:[\w'’-]+\s+)?(?:be\s+)?(?:banned|blocked|suspended|shut down)\b|"
     r"\b(?:sell|divest)\w*[- ]or[- ]ban\b|\bban(?:ned)?\s+unless\b|\bunless\s+(?:[\w'’-]+\s+){0,4}?(?:sells?|divests?|compl\w+)\b|"
     r"\bor\s+(?:be\s+|face\s+(?:an?\s+)?)?(?:banned|blocked|ban|blocking|suspension)\b|"
     r"\bban\s+(?:[\w'’-]+\s+){0,3}?if\b|\bfinal (?:notice|warning)\b|\bultimatum\b"),
    ("penalty", "throttle",
     r"\bthrottl\w+|\bbandwidth\s+(?:[\w'’-]+\s+)?(?:reduction|restriction|limitation|cut)s?\b|"
     r"\breduc\w+\s+(?:[\w'’-]+\s+){0,4}bandwidth\b|\bslow(?:ing)?\s+down\b"),
    ("penalty", "arrest",
     r"\b(?:arrest|detain|detention)\w*\s+(?:of\s+)?(?:[\w'’-]+\s+){0,3}?(?:staff|employees?|executives?|"
     r"representatives?|officials|managers?|head|ceo|founder)\b|\b(?:face|risk|threat\w*)\s+(?:[\w'’-]+\s+){0,2}arrest\w*"),
    ("penalty", "license_revocation",
     r"\b(?:revok|cancel|withdraw|suspend|strip)\w*\s+(?:[\w'’-]+\s+){0,3}?(?:licen[cs]es?|registration|permits?)\b|"
     r"\blicen[cs]es?\s+(?:[\w'’-]+\s+)?(?:revocation|revoked|cancell?ation|cancell?ed)\b|\bderegist\w+"),
    ("penalty", "ad_ban",
     r"\b(?:advertising|ad|advertisement)\s+ban\b|\bban\s+(?:on\s+)?(?:[\w'’-]+\s+){0,4}?(?:advertis\w+|ads)\b|"
     r"\b(?:advertis\w+|ads)\s+ban\b|\bban on (?:[\w'’-]+\s+){0,3}(?:firms|companies|advertisers) (?:listing|placing|buying) ads\b"),
    ("penalty", "other",
     r"\bcriminal (?:proceedings|charges|action|liability|cases?)\b|\blegal action\b|\bsafe[- ]harbou?r\b|"
     r"\bintermediary (?:status|protection|immunity)\b|\bfr[oe]e?z\w*\s+(?:[\w'’-]+\s+){0,3}(?:bank\s+)?(?:accounts|assets)\b|"
     r"\bcontempt\b|\bpenal (?:action|consequences|provisions)\b|\bprosecution\b"),
)

OUTCOME_RULES: tuple[RuleRow, ...] = (
    ("outcome", "complied",
     rf"\bcomplied\b|\bcompl(?:y|ies|ying)\s+with\s+(?:the\s+)?(?:[\w'’-]+\s+)?(?:order|demand|request|law|directive|government|rules?|notice)|"
     rf"\bin compliance with\b|\bagree[sd]?\s+to\s+(?:[\w'’-]+\s+){{0,2}}?(?:remove|block|appoint|comply|moderate|withhold|"
     rf"take down|delete|pay|store|register|restrict|suspend)\b|"
     rf"{P}\s+(?:[\w'’-]+\s+){{0,2}}?(?:blocked|withheld|removed|suspended|took down|pulled|deleted|restricted|censored|"
     rf"has removed|has blocked|has withheld|has pulled)\s+(?:[\w'’-]+\s+){{0,4}}?(?:{ACCOUNT_NOUNS}|{CONTENT_NOUNS}|vpns?)\b|"
     rf"\b(?:to\s+)?appoint\w*\s+(?:a\s+)?(?:formal\s+|local\s+|legal\s+)?(?:representative|entity)\b(?=[^.]{{0,80}}\b(?:agreed|decided|announced|will|would))|"
     rf"\bagreed\s+to\b"),
    ("outcome", "complied",
     rf"\b(?:{CONTENT_NOUNS_PLURAL}|accounts|handles|profiles)\s+(?:{W}){{0,6}}?(?:were|was|have been|had been|has been)\s+"
     r"(?:[\w'’-]+\s+)?(?:blocked|withheld|removed|taken down|suspended|deleted|restricted)\b[^.]{0,80}?"
     r"\b(?:orders?|demands?|requests?|directives?|instructions|notices?)\b"),
    ("outcome", "partially_complied",
     r"\bpartial(?:ly)?\s+(?:compl\w+|block\w*)|\bfailure to provide all\b|\bonly (?:some|part) of\b|"
     r"\bsome of the (?:[\w'’-]+\s+)?(?:accounts|posts|content|demands)\b|\bnot all of\b|\bpartial compliance\b"),
    ("outcome", "refused",
     r"\brefus\w+|\bdeclin\w+\s+to\s+(?:comply|remove|block|act|follow|take)|\b(?:did not|didn't|does not|failed to|fail(?:ing|s)? to|"
     r"would not|will not|won't|has not|hasn't)\s+(?:[\w'’-]+\s+)?(?:comply|appoint|remove|block|provide|obey|hand|follow|pay|meet|implement|abide|filter|heed|address|act on|"
     r"register|take down|cooperate|name|designate|delete|disclose|share|hand over|pay)\w*|\bdefi(?:ed|ance|es)\b|\bignor(?:ed|ing)\s+(?:[\w'’-]+\s+){0,3}(?:orders?|requests?|demands?|notices?)|"
     r"\breject\w*\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}(?:order|demand|request|law|code)|\bmissed (?:the\s+)?deadline|"
     r"\b(?:for|over|due to|because of|citing)\s+(?:[\w'’-]+\s+)?non-?compliance\b|\bblock(?:ed|ing)? (?:all\s+)?news\b|"
     r"\bpull(?:ed|ing)? (?:all\s+)?news\b|\bnews (?:ban|blackout)\b|\bnot comply\w*"),
    ("outcome", "challenged_in_court",
     r"\b(?:fil(?:ed|es|ing)|lodg\w+|launch\w*|submit\w*)\s+(?:a\s+|an\s+)?(?:[\w'’-]+\s+)?(?:petition|lawsuit|suit|appeal|legal challenge|"
     r"case|challenge|writ)\b|\bchalleng\w+\s+(?:[\w'’-]+\s+){0,4}?in\s+(?:the\s+)?(?:[\w'’-]+\s+)?court\b|"
     r"\b(?:went|go|going|goes|took|take|taking)\s+(?:[\w'’-]+\s+){0,3}?to court\b|\bmoved (?:the\s+)?(?:[\w'’-]+\s+)?(?:high|supreme) court\b|"
     r"\bappeal(?:ed|s|ing)?\s+(?:against|the)\b|\blegal challenge\b|\bchallenge[ds]? (?:to\s+)?the (?:[\w'’-]+\s+){0,3}?law\b|"
     r"\b(?:supreme|appeals?|high|federal) court\s+(?:[\w'’-]+\s+){0,2}?(?:upheld|upholds|uphold|rejected|dismissed|ruled|heard)\b|"
     r"\bsu(?:ed|es|ing)\s+(?:the\s+)?(?:[\w'’-]+\s+)?(?:government|state|ministry|regulator|authority)\b"),
    ("outcome", "negotiating",
     r"\btalks\b|\bnegotiat\w+|\bmeeting\b|\bengagement\b|\bmet with\b|\bin discussions?\b|\bdiscussions with\b|\bengag\w+ with\b|"
     r"\bdialogue\b|\bvideo conference\b|\bconsultations?\b|\bin contact with\b|\bworking with the (?:government|authorities)\b"),
    ("outcome", "fine_imposed",
     r"\bfined\b|\bfines\s+(?:[\w'’-]+\s+){0,3}?(?:for|over)\b|\bimpos\w+\s+(?:a\s+|an\s+)?(?:[\w'’-]+\s+){0,3}?(?:fines?|penalt\w+)\b|"
     r"\bordered\s+(?:[\w'’-]+\s+){0,6}?to pay (?:a\s+)?(?:[\w'’-]+\s+)?(?:fine|penalty)\b|\bslap\w*\s+(?:[\w'’-]+\s+){0,3}?(?:fine|penalty)\b|"
     r"\b(?:fine|penalty)\s+(?:[\w'’-]+\s+){0,2}?(?:was|has been|were|had been)\s+(?:[\w'’-]+\s+)?(?:imposed|issued|levied|raised|increased)\b|"
     r"\b(?:issued|levied)\s+(?:a\s+)?(?:[\w'’-]+\s+)?fine\b|\b(?:increas|rais|doubl|tripl)\w*\s+(?:the\s+)?(?:daily\s+)?fines?\b|"
     r"\bfines?\s+imposed\b|\bupheld\s+(?:a|the)\s+(?:[\w$€£.,'’-]+\s+){0,3}?fine\b|\bfine (?:[\w'’-]+\s+)?(?:raised|increased) to\b|\bfines (?:[\w'’-]+\s+){0,4}(?:giants|platforms|companies)\b"),
    ("outcome", "service_blocked",
     rf"\b(?:blocked|suspended|banned|restricted|cut off|shut down|disrupted)\s+(?:access\s+to\s+)?(?:the\s+)?(?:{W}){{0,3}}?{P}|"
     rf"{P}(?:,\s*{P})*(?:\s*(?:,|and|or)\s*{P})*\s+(?:(?!{ACCOUNT_NOUNS}\b|{CONTENT_NOUNS}\b)[\w'’-]+\s+){{0,3}}?"
     r"(?:was|were|has been|have been|had been|remained|remains|is|are)\s+(?:[\w'’-]+\s+)?"
     r"(?:blocked|banned|suspended|inaccessible|unavailable|disrupted|restricted|down|unreachable|shut)\b|"
     r"\b(?:access to|users of)\s+(?:[\w'’-]+\s+){0,4}?(?:was|were|has been|have been|had been|remained)\s+(?:[\w'’-]+\s+)?(?:blocked|restricted|cut|disrupted|limited)\b|"
     r"\b(?:could not|couldn't|unable to|cannot|can't)\s+(?:[\w'’-]+\s+)?access\b|"
     r"\bblockage\b|\bbeen blocked\b|\bwent dark\b|"
     r"\b(?:the|its)\s+(?:[\w'’-]+\s+)?(?:app|application|platform|service|site|network)\s+(?:was|has been|is|had been|were)\s+"
     r"(?:being\s+)?(?:blocked|banned|suspended|shut down)\b|"
     rf"\b(?:began|begun|started)\s+(?:blocking|restricting|cutting off)\s+(?:access\s+to\s+)?{P}"),
    ("outcome", "service_throttled",
     r"\bthrottled\b|\bslowed (?:down\s+)?(?:access|speeds?|the service)|\bbandwidth (?:was|has been) (?:[\w'’-]+\s+)?(?:reduced|cut)\b|"
     rf"\b(?:slowed|(?:began|begun|started)\s+slowing)\s+(?:down\s+)?(?:access\s+to\s+)?{P}"),
    ("outcome", "staff_arrested",
     r"\b(?:arrested|detained|jailed)\s+(?:[\w'’-]+\s+){0,5}?(?:executive|employee|staff|representative|founder|ceo|head|manager|chief)\w*\b|"
     r"\b(?:executive|employee|representative|founder|ceo|manager|chief)\w*\s+(?:[\w'’-]+\s+){0,6}?(?:was|were|has been|had been)\s+"
     r"(?:[\w'’-]+\s+)?(?:arrested|detained|jailed)\b"),
    ("outcome", "ban_lifted",
     r"\blift\w*\s+(?:[\w'’-]+\s+){0,2}?(?:ban|block|blockade|suspension|restrictions?)\b|"
     r"\b(?:ban|block|suspension)\s+(?:[\w'’-]+\s+){0,4}?(?:was|has been|had been|is|were)\s+(?:[\w'’-]+\s+)?lifted\b|"
     r"\brestor\w+\s+(?:[\w'’-]+\s+){0,2}?(?:access|services?)\b|\bunblock\w*\b|\baccess (?:was|has been|had been) restored\b|"
     rf"\b(?:restored|reinstated)\s+{P}"),
    ("outcome", "demand_withdrawn",
     r"\bwithdr[ae]w\w*\s+(?:[\w'’-]+\s+){0,2}?(?:order|demand|notice|request|directive|threat|ban)\b|"
     r"\brevok\w+\s+(?:the\s+|its\s+)?(?:order|directive|notice)\b|\brescind\w*|\bdisown\w*|\bbacktrack\w*|\bu-turn\b|"
     r"\b(?:order|demand|directive)\s+(?:was|has been)\s+(?:withdrawn|revoked|rescinded|dropped)\b"),
)

LEGAL_RULES: tuple[tuple[str, str, str, int], ...] = (
    # Section/Article N of <Named Act>, case-sensitive so that a capitalised title follows.
    ("legal_basis", "provision",
     r"\b(?:[Ss]ection|[Ss]ec\.|[Aa]rticle|[Aa]rt\.|[Cc]lause|[Rr]ule)\s+\d+[A-Z]?(?:\s*\(\w+\))*"
     r"(?:\s+of\s+(?:the\s+|its\s+)?(?:[A-Z][\w&'’.()-]*\s+|of\s+|and\s+|for\s+|on\s+|the\s+){0,10}?"
     r"(?:Act|Law|Code|Rules|Constitution|Regulations?|Ordinance|Decree|Convention)\b(?:,?\s+(?:of\s+)?\d{4})?)?", 0),
    ("legal_basis", "named_act",
     r"\b(?:the\s+)?(?:[A-Z][\w&'’-]+\s+|of\s+|and\s+|for\s+|from\s+|on\s+|to\s+){1,10}?"
     r"(?:Act|Law|Code|Bill|Regulation|Directive|Ordinance|Rules)\b(?:\s+(?:of\s+)?\d{4})?(?:\s+\([A-Za-z]{2,10}\))?", 0),
    ("legal_basis", "acronym",
     r"\b(?:NetzDG|POFMA|Pofma|DSA|DMA|GDPR|NCII|IT Rules|Marco Civil(?: da Internet)?|"
     r"Law No\.?\s*\d+|Law\s+\d{3,5}|Article 19|Yarovaya law|Section 230)\b", 0),
    ("legal_basis", "descriptive",
     r"\b(?:the\s+)?(?:country's|nation's|new|\d{4}|controversial|national|recent)\s+(?:[\w-]+\s+){0,2}?"
     r"(?:social media|internet|media|online|fake news|cyber(?:security|crime)?|data protection|information technology)\s+"
     r"(?:law|legislation|rules|regulations|act)\b(?:\s+on\s+(?:[\w-]+\s+){0,3}?(?:transparency|content|safety))?|"
     r"\b(?:the\s+)?(?:country's|nation's|new|national)\s+law\s+on\s+(?:internet|online|social media|digital|media|content)"
     r"(?:\s+[\w-]+)?", re.I),
)

# Non-English articles: a small multilingual lexicon (es, pt, de, fr, id, hi, is) for the
# main vocabulary values. It runs on raw text; the annotator gives these claims a low
# confidence. Stems are used on purpose: no lemmatizer is available for these languages.
_F_ACCOUNTS = r"(?:cuentas|contas|konten|comptes|akun|खातों|खाते|हैंडल|reikning\w*|aðgang\w*)"
_F_CONTENT = (r"(?:contenidos?|publicaciones|mensajes|v[ií]deos|conte[uú]dos?|publica[çc][õo]es|postagens|inhalte?n?|"
              r"beitr[äa]ge|contenus?|publications|messages|konten|unggahan|सामग्री|पोस्ट|efni\w*|færsl\w*)")
_F_BLOCK = r"bloque\w*|suspend\w*|suspens\w+|sperr\w*|bloqu\w+|blokir\w*|diblokir|ब्लॉक|loka\w*|lokað\w*"
_F_DELETE = (r"elimin\w+|retir\w+|remov\w+|borr\w+|l[öo]sch\w*|entfern\w*|supprim\w+|hapus\w*|menghapus|dihapus|"
             r"हटा\S*|fjarlæg\w*")
FOREIGN_RULES: tuple[RuleRow, ...] = (
    ("demand", "withhold_accounts",
     rf"(?:{_F_BLOCK})\s+(?:\S+\s+){{0,4}}?{_F_ACCOUNTS}|{_F_ACCOUNTS}\s+(?:\S+\s+){{0,3}}?(?:{_F_BLOCK})"),
    ("demand", "remove_content",
     rf"(?:{_F_DELETE})\s+(?:\S+\s+){{0,4}}?{_F_CONTENT}|{_F_CONTENT}\s+(?:\S+\s+){{0,3}}?(?:{_F_DELETE})"),
    ("demand", "ban_service",
     r"(?:bloqueo|bloquear|bloqueio|suspensi[óo]n|suspens[ãa]o|suspender|sperrung|verbot|blocage|bloquer|interdiction|"
     r"interdire|pemblokiran|memblokir|प्रतिबंध|बैन|bann\w*|lokun|loka á)"),
    ("demand", "local_presence",
     r"(?:representante legal|representante no pa[ií]s|zustellungsbevollm[äa]chtigt\w*|repr[ée]sentant l[ée]gal|perwakilan|"
     r"स्थानीय प्रतिनिधि|fulltrú\w*)"),
    ("demand", "user_data",
     r"(?:datos de (?:los )?usuarios|dados (?:de|dos) usu[aá]rios|nutzerdaten|donn[ée]es (?:des|d'|personnelles)|data pengguna|"
     r"उपयोगकर्ता डेटा|notendagögn\w*)"),
    ("penalty", "fine",
     r"(?:multas?\b|bu[ßs]geld\w*|geldstrafe\w*|amendes?\b|denda|जुर्माना|sekt\w*)"),
    ("penalty", "jail_term", r"(?:prisi[óo]n|c[áa]rcel|pris[ãa]o|haftstrafe|gef[äa]ngnis|emprisonnement|penjara|जेल|fangelsi)"),
    ("outcome", "fine_imposed",
     r"(?:impuso una multa|multó|multou|aplicou (?:uma )?multa|verh[äa]ngt\w*|a inflig[ée]|condamn[ée]e? [àa] une amende|"
     r"menjatuhkan denda|जुर्माना लगाया|sektað\w*)"),
    ("outcome", "service_blocked",
     r"(?:fue bloquead\w|ha sido bloquead\w|foi bloquead\w|est[áa] bloquead\w|wurde gesperrt|ist gesperrt|a [ée]t[ée] bloqu[ée]|"
     r"telah diblokir|diblokir|ब्लॉक कर दिया|lokað)"),
    ("outcome", "ban_lifted",
     r"(?:levant\w+ (?:el|o|la) (?:bloqueo|bloqueio|suspensi[óo]n|suspens[ãa]o)|desbloque\w+|aufgehoben|lev[ée]e? (?:du|de la) "
     r"(?:blocage|suspension)|dibuka kembali|प्रतिबंध हटा)"),
    ("outcome", "challenged_in_court",
     r"(?:recurri\w+|apel\w+|recorr\w+|klage|klagt|einspruch|recours|faz appel|a fait appel|menggugat|गुहार|चुनौती)"),
    ("outcome", "complied",
     r"(?:cumpli[óo]|acat\w+ (?:a|la) (?:orden|decis[ãa]o|ordem)|cumpriu|kam (?:der )?(?:anordnung|aufforderung) nach|"
     r"s'est conform[ée]|a obtemp[ée]r[ée]|mematuhi|आदेश का पालन किया)"),
    ("outcome", "refused",
     r"(?:se neg[óo]|neg[óo]|recus\w+|weigert\w*|verweiger\w*|refus\w+|menolak|इनकार|neitað\w*)"),
)
FOREIGN: list["_Rule"] = []


def foreign_claim_matches(text: str) -> list[tuple[str, str, int, int]]:
    """(kind, value, start, end) for the multilingual lexicon, in text order."""
    if not FOREIGN:
        FOREIGN.extend(_compile(FOREIGN_RULES))
    found = [(r.kind, r.value, m.start(), m.end()) for r in FOREIGN for m in r.regex.finditer(text)]
    return sorted(found, key=lambda x: x[2])


# Words that look like a legal basis but are not one (sentence-initial capitals etc.).
LEGAL_STOP = re.compile(
    r"^(?:the\s+)?(?:Act|Law|Code|Rules|Bill|Regulation)\b|\b(?:Then|But|And|Under|After|The)\s+(?:Act|Law)$")

# Counts of targeted things. Group 1 = number, 2 = scale word, 3 = noun.
COUNT_RE = re.compile(
    rf"\b(?:over|more than|some|about|around|nearly|almost|at least|up to|roughly|approximately)?\s*"
    rf"({NUMBER})({SCALE})\s+(?:[\w'’%@#-]+\s+){{0,2}}?"
    r"(accounts?|handles?|profiles?|posts?|tweets?|urls?|links?|videos?|pages?|channels?|items?|"
    r"pieces of content|reposts?|web ?pages?|websites?|apps?|applications|hashtags?|messages?|groups?)\b"
    r"(?!\s+(?:users|holders|followers))",
    re.I,
)
COUNT_BAD_FILLERS = re.compile(r"\b(?:monthly|daily|active|registered|user|users|million|followers?|fake)\b", re.I)
ACCOUNT_COUNT_NOUNS = frozenset({"account", "accounts", "handle", "handles", "profile", "profiles"})

# Money: "€2 million", "$5m", "Rs 1 crore", "R$ 50,000 per day", "30 million Turkish liras".
CURRENCY_SYMBOLS = {
    "R$": "BRL", "US$": "USD", "A$": "AUD", "S$": "SGD", "C$": "CAD", "HK$": "HKD", "$": "USD",
    "€": "EUR", "£": "GBP", "₹": "INR", "Rs.": "INR", "Rs": "INR", "INR": "INR", "₦": "NGN",
    "N": "NGN", "₺": "TRY", "¥": "CNY", "₽": "RUB", "EUR": "EUR", "USD": "USD", "GBP": "GBP",
}
CURRENCY_WORDS = {
    "reais": "BRL", "real": "BRL", "reals": "BRL", "euros": "EUR", "euro": "EUR", "dollars": "USD",
    "dollar": "USD", "pounds": "GBP", "rupees": "INR", "rupee": "INR", "naira": "NGN",
    "lira": "TRY", "liras": "TRY", "lire": "TRY", "roubles": "RUB", "rubles": "RUB", "rouble": "RUB",
    "ruble": "RUB", "yuan": "CNY", "renminbi": "CNY", "ringgit": "MYR", "rupiah": "IDR",
    "shillings": "KES", "baht": "THB", "won": "KRW", "yen": "JPY", "pesos": "MXN", "dong": "VND",
    "francs": "CHF", "kronor": "SEK", "kroner": "NOK", "krona": "ISK", "taka": "BDT",
}
_SYM = "|".join(re.escape(s) for s in sorted(CURRENCY_SYMBOLS, key=len, reverse=True) if s != "N")
_WORDS = "|".join(sorted(CURRENCY_WORDS, key=len, reverse=True))
_AMOUNT = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_MULT = r"(?:\s*(million|mn|m|billion|bn|b|lakh|crore|thousand|k)\b)?"
MONEY_RE = re.compile(
    rf"(?:({_SYM})\s?{_AMOUNT}{_MULT}|{_AMOUNT}{_MULT}\s+(?:[A-Z][a-z]+\s+)?({_WORDS})\b)"
    r"(\s+(?:per|a|each)\s+day|\s+daily)?",
    re.I,
)
MULTIPLIERS = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9,
    "b": 1e9, "lakh": 1e5, "crore": 1e7,
}
JAIL_YEARS_RE = re.compile(rf"\b({NUMBER})[- ](year|month)s?\b|up to\s+({NUMBER})\s+(year|month)s?", re.I)


@dataclass(frozen=True)
class _Rule:
    kind: str
    value: str
    regex: re.Pattern[str]


def _compile(rows: Sequence[RuleRow], flags: int = re.I) -> list[_Rule]:
    return [_Rule(kind, value, re.compile(pattern, flags)) for kind, value, pattern in rows]


RULES: list[_Rule] = (
    _compile(DEMAND_RULES) + _compile(PENALTY_RULES) + _compile(OUTCOME_RULES)
    + [_Rule(k, v, re.compile(p, f)) for k, v, p, f in LEGAL_RULES]
)


# --------------------------------------------------------------------------------------
# Value parsers used by the annotator (pure functions, tested directly)
# --------------------------------------------------------------------------------------
def parse_number(token: str, scale: str = "") -> int | None:
    """'1,178' -> 1178; '2.5', 'million' -> 2500000; 'seven' -> 7."""
    token = token.strip().lower()
    if token in NUM_WORDS:
        value = float(NUM_WORDS[token])
    else:
        try:
            value = float(token.replace(",", ""))
        except ValueError:
            return None
    value *= MULTIPLIERS.get(scale.strip().lower(), 1)
    return int(round(value))


def parse_count(text: str) -> tuple[str, int] | None:
    """'over 250 handles' -> ('accounts', 250); 'more than 100 URLs' -> ('posts', 100)."""
    m = COUNT_RE.search(text)
    if not m:
        return None
    value = parse_number(m.group(1), m.group(2))
    if value is None:
        return None
    kind = "accounts" if m.group(3).lower() in ACCOUNT_COUNT_NOUNS else "posts"
    return kind, value


def parse_money(text: str) -> dict | None:
    """'€2 million' -> {'amount': 2000000, 'currency': 'EUR', 'per_day': False}."""
    m = MONEY_RE.search(text)
    if not m:
        return None
    if m.group(1):
        sym, amount, mult, word = m.group(1), m.group(2), m.group(3), None
    else:
        sym, amount, mult, word = None, m.group(4), m.group(5), m.group(6)
    currency = CURRENCY_SYMBOLS.get(sym, CURRENCY_SYMBOLS.get((sym or "").upper())) if sym else (
        CURRENCY_WORDS.get(word.lower()) if word else None)
    value = parse_number(amount, mult or "")
    if value is None:
        return None
    return {"amount": value, "currency": currency, "per_day": bool(m.group(7)), "text": m.group(0).strip()}


def parse_jail(text: str) -> dict:
    """'a 7-year jail term' -> {'years': 7}; months are converted to fractional years."""
    m = JAIL_YEARS_RE.search(text)
    if not m:
        return {}
    number, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    value = parse_number(number)
    if value is None:
        return {}
    return {"years": value if unit.lower() == "year" else round(value / 12, 2)}
