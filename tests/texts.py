"""Article texts written for the tests (never copied from the corpus)."""

# Written for these tests: the public facts of the India–Twitter case of February 2021.
INDIA_TWITTER = (
    "New Delhi, 10 February 2021. India's Ministry of Electronics and Information Technology "
    "has ordered Twitter to withhold 1,178 accounts that it accuses of spreading misinformation "
    "about the farmers' protests. The order was issued under Section 69A of the IT Act. "
    "Officials warned that Twitter's staff in India could face a jail term of up to seven years "
    "if the company did not comply. IT minister Ravi Shankar Prasad said the platform had to "
    "follow Indian law. Twitter said it had withheld some of the accounts but refused to act "
    "against journalists, activists and politicians."
)
FOLLOW_UP = (
    "New Delhi, 12 February 2021. The standoff between the Indian government and Twitter over "
    "the farmers' protests deepened after the IT ministry said Twitter had only partly complied "
    "with its order to block accounts. Officials said more than 500 accounts had been withheld, "
    "and Twitter refused to block accounts of journalists. Ministers began to open accounts on "
    "the homegrown app Koo."
)
FOOTBALL = (
    "London, 3 March 2021. The Football Association banned the striker for three matches and fined "
    "the club £20,000 after a brawl. The manager posted a statement on Twitter apologising to fans."
)
