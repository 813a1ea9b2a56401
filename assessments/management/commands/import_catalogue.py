from .load_catalogue import Command as LoadCommand


class Command(LoadCommand):
    help = "Import a catalogue FILE for another fiscal year, without a code change. Refused whole on any error."

    def add_arguments(self, parser):
        parser.add_argument("file")
