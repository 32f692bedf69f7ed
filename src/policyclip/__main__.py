"""`python -m policyclip` runs the command line."""

from policyclip.cli import main

main()
