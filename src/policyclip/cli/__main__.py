"""`python -m policyclip.cli` runs the command line, as `python -m policyclip` does."""

from policyclip.cli import main

if __name__ == "__main__":  # batch workers import this module again; they must not run the CLI
    main()
