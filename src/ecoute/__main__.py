from ecoute.cli.main import main

main()
