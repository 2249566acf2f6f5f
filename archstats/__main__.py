from archstats.cli import main

main(prog_name="archstats")
