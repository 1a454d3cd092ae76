"""The entity gold set, as written by the annotator: build.py turns it into gold.jsonl.

REAL maps the number of a candidate drawn by sample.py to the entities a
reader sees in it, in text order: (surface, label). Candidates not listed
have none. WRITTEN are lines written for this set, with inline marks
[[B|…]] brand, [[O|…]] organisation, [[P|…]] product.

Labels: BRAND a company or trade name a customer deals with (insurers,
banks, operators, shops, makers, brokers, credit bureaus); ORG a public
body, regulator, social-security fund, mediator, consumer association,
union or sports body; PRODUCT a named product, offer, model, app or
channel. Not entities: laws ("loi Hamon", "FCRA"), places, people, job
titles, departments ("Direction Qualité"), generic nouns ("la mutuelle",
"the credit bureaus"), events, taxes, the CFPB's XXXX masks and
pseudonymisation placeholders.
"""

REAL = {
    # 3 and 62 were missed at first annotation and added when the first run
    # showed them (the only two changes made after seeing the component's output).
    3: [("direct assurance", "BRAND")],
    9: [("maif", "BRAND")],
    10: [("GMF", "BRAND")],
    20: [("mgp", "BRAND")],
    21: [("Assuro Poil", "BRAND")],
    23: [("GMF", "BRAND")],
    28: [("AXA", "BRAND")],
    31: [("MMA", "BRAND")],
    36: [("AG2R", "BRAND"), ("AG2R", "BRAND")],
    38: [("macif", "BRAND")],
    39: [("Pacifica", "BRAND")],
    40: [("Macif", "BRAND")],
    41: [("April", "BRAND")],
    42: [("GMF", "BRAND")],
    48: [("Mercer", "BRAND"), ("Sécurité Sociale", "ORG")],
    49: [("MGP", "BRAND")],
    52: [("ELLIANZ", "BRAND")],
    58: [("DIRECT ASSURANCE", "BRAND")],
    59: [("Cardif", "BRAND"), ("Cardif Bnp Paribas", "BRAND")],
    62: [("Peugeot 407", "PRODUCT")],
    64: [("GMF", "BRAND")],
    65: [("RSI", "ORG")],
    67: [("GENERALI", "BRAND"), ("RSI", "ORG")],
    68: [("EALLIANZ", "BRAND"), ("ALLIANZ", "BRAND")],
    71: [("GMF", "BRAND")],
    77: [("ACM", "BRAND")],
    79: [("Groupama", "BRAND")],
    80: [("Mercer", "BRAND")],
    81: [("APRIL", "BRAND")],
    82: [("Allianz", "BRAND")],
    85: [("L'Olivier", "BRAND")],
    86: [("MACIF", "BRAND")],
    89: [("free", "BRAND"), ("free", "BRAND")],
    97: [("messenger", "PRODUCT"), ("free", "BRAND"), ("instagram", "PRODUCT"), ("free", "BRAND")],
    101: [("uefa", "ORG"), ("freebox", "PRODUCT"), ("tf1 4k", "PRODUCT")],
    103: [("freebox home", "PRODUCT"), ("android", "PRODUCT"), ("ios", "PRODUCT")],
    104: [("freebox", "PRODUCT"), ("pop", "PRODUCT"), ("delta devialet", "PRODUCT"), ("mini4k", "PRODUCT")],
    111: [("US Bank", "BRAND")],
    113: [("SYF", "BRAND")],
    122: [("LoanCare", "BRAND")],
    126: [("TransUnion", "BRAND")],
    128: [("US Banks", "BRAND")],
    130: [("Transunion", "BRAND")],
    144: [("Barclays", "BRAND")],
    148: [("TransUnion", "BRAND")],
}

WRITTEN = [
    "Merci à [[B|Orange]] pour la rapidité, ma [[P|Livebox]] remarche depuis hier.",
    "Appelez le service client de [[B|SFR]], vous verrez : personne ne répond.",
    "Livraison en retard de trois jours, colis perdu par [[B|Chronopost]].",
    "Bravo pour rien, j'ai écrit à [[O|UFC-Que Choisir]] et au médiateur.",
    "J'ai saisi le [[O|Médiateur des communications électroniques]] après deux mois sans réponse.",
    "Orange sanguine ou orange pressée, peu importe, le jus était tiède.",
    "<PERSON_1> m'a vendu un [[P|iPhone 14]] qui ne s'allume plus.",
    "Bonjour <PERSON_1>, je vous écris au sujet de mon contrat [[B|MAAF]] n° <ACCOUNT_ID_1>.",
    "Signalé à la [[O|DGCCRF]] et à la [[O|CNIL]] pour démarchage abusif.",
    "Au total, j'ai payé 300 euros de frais de dossier.",
    "Total : trois appels, deux courriers, aucune réponse.",
    "Service client injoignable, conseillers débordés, Direction aux abonnés absents.",
    "Ma [[P|Freebox Pop]] redémarre toute seule depuis la mise à jour.",
    "Je suis passée chez [[B|Bouygues Telecom]] : même prix, vrai service.",
    "La [[O|CPAM]] a bien transmis, c'est la mutuelle qui bloque.",
    "Inscrite à [[O|France Travail]], je n'ai pas les moyens de payer deux loyers.",
    "Très déçu par [[B|Boulanger]] : le [[P|Galaxy S23]] commandé n'est jamais arrivé.",
    "Expert mandaté par [[B|Groupama]], rendez-vous annulé deux fois.",
    "But the agent at [[B|Wells Fargo]] kept me on hold for an hour.",
    "Thank you [[B|Chase]] for nothing: my card was declined twice.",
    "I disputed the charge with [[B|PayPal]] and filed a complaint with the [[O|CFPB]].",
    "Please note that [[B|Experian]] still reports the closed account.",
    "Free shipping was promised, yet I paid twelve dollars.",
    "Customer Service transferred me three times and then hung up.",
    "I called <PERSON_1> at [[B|Navient]] on Monday; nobody called back.",
    "Mon conseiller [[B|Crédit Agricole]] m'a conseillé une assurance de la [[B|Pacifica]].",
    "Suite à mon sinistre, j'ai contacté [[B|Matmut]] puis [[B|Covéa]] sans succès.",
    "Incroyable : chez [[B|Free]], la hotline m'a raccroché au nez.",
    "[[B|Capital One]] closed my account without any notice.",
    "I was sent from [[B|Comcast]] billing to a [[B|Verizon]] store and back again.",
    "[[B|Synchrony Bank]] never answered my dispute letter.",
    "The [[O|Better Business Bureau]] and my lawyer have a copy of every letter.",
    "[[B|Apple]] replaced the screen, but the [[P|iPad]] still freezes.",
]
