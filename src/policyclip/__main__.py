"""`python -m policyclip` runs the command line."""

from policyclip.cli import main

if __name__ == "__main__":  # batch workers import this module again; they must not run the CLI
    main()
