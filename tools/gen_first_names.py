"""Build src/ecoute/data/privacy/first_names.txt.

Sources: Faker's person providers (MIT licence) for fr_FR, en_US and en_GB,
plus common French first names of the last seventy years written by hand.
Run with Faker installed (`pip install faker`); the product only reads the
resulting text file.
"""

from pathlib import Path

from faker.providers.person.en_GB import Provider as EnGB
from faker.providers.person.en_US import Provider as EnUS
from faker.providers.person.fr_FR import Provider as FrFR

EXTRA_FR = """
Aurélie Audrey Amandine Anaïs Angélique Anne-Sophie Anne-Marie Annick Arnaud Aurore Axel Baptiste Benjamin Benoît
Bruno Camille Carole Caroline Cédric Céline Chantal Charlotte Chloé Christelle Christian Christine Christophe Claude
Clément Coralie Corinne Cyril Damien Daniel Delphine Didier Dominique Dylan Élodie Élise Emilie Émilie Emma Enzo
Éric Estelle Fabien Fabienne Fabrice Fanny Florence Florian Franck Frédéric Gaëlle Gaël Geoffrey Grégory Guillaume
Hélène Hugo Inès Isabelle Jacqueline Jérémy Jérôme Jessica Jean-Claude Jean-François Jean-Luc Jean-Marc Jean-Michel
Jean-Paul Jean-Pierre Jean-Philippe Jean-Louis Jean-Jacques Joël Johan Jonathan Jordan Josiane Julie Julien Justine
Karine Kévin Kevin Laëtitia Laetitia Laura Laure Laurence Laurent Léa Léo Lilou Lina Loïc Louise Lucas Ludovic Lucie
Magali Manon Marie-Christine Marie-Claude Marie-France Marie-Hélène Marie-Pierre Marina Marion Martine Mathieu Mathis
Maxime Mélanie Mickaël Michaël Monique Morgane Mylène Nadia Nadine Nathalie Nicolas Noémie Océane Olivier Pascal
Pascale Patricia Patrick Pauline Philippe Quentin Raphaël Rémi Rémy Romain Sabrina Samira Sandrine Sarah Sébastien
Séverine Sophie Stéphane Stéphanie Steven Sylvain Sylvie Thibault Thierry Tiphaine Valérie Vanessa Véronique Vincent
Virginie Xavier Yann Yannick Yasmine Yohan Youssef Mohamed Mehdi Karim Rachid Nabil Sofiane Fatima Leïla Nour Aïcha
Farid Djamel Kader Bilal Amine Ryan Nolan Théo Tom Louis Gabriel Jules Adam Raphaëlle Jade Zoé Ambre Alice Rose
Lou Mila Anna Nina Clara Agathe Juliette Margaux Mathilde Capucine Solène Gwenaëlle Maëlle Nolwenn Erwan Ronan
Yvon Yvette Gisèle Ginette Josette Huguette Odette Paulette Lucienne Raymonde Gérard Bernard Jacky Serge Gilles
Hervé Thomas Alexis Antoine Paul Pierre Marc Luc Jacques Michel Jean Marie Anne Françoise Catherine Brigitte Nicole
Sylviane Maryse Evelyne Éveline Patrice Régis Rodolphe Ghislaine Murielle Muriel Myriam Laurine Lauriane Elsa Eva
Kylian Killian Mattéo Matteo Nathan Ethan Timothée Valentin Victor Bastien Corentin Dorian Gaëtan Jordan Lionel
""".split()


def main() -> None:
    names = set(EXTRA_FR)
    for provider in (FrFR, EnUS, EnGB):
        names.update(provider.first_names_male)
        names.update(provider.first_names_female)
    names = {n.strip() for n in names if n.strip() and len(n.strip()) > 1}
    out = Path(__file__).resolve().parent.parent / "src" / "ecoute" / "data" / "privacy" / "first_names.txt"
    header = (
        "# First names used to recognise people (one per line; '#' starts a comment).\n"
        "# Built by tools/gen_first_names.py from Faker's fr_FR, en_US and en_GB person providers\n"
        "# (MIT licence) and common French first names. Operators may add names here.\n"
    )
    out.write_text(header + "\n".join(sorted(names, key=str.casefold)) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(names)} names)")


if __name__ == "__main__":
    main()
