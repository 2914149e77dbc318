"""``python -m cli`` runs the ``custgraph`` command."""

from cli.main import main

main()
