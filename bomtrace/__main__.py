from bomtrace.cli import app

app(prog_name="bomtrace")
