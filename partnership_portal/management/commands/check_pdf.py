"""Check that WeasyPrint can make PDFs here (agenda packs, year reviews), and say what to install if not."""

from django.core.management.base import BaseCommand, CommandError

# Kept in step with the Dockerfile and README.md ("PDFs on a laptop").
INSTALL_HELP = """\
PDFs (agenda packs, year-review PDFs) need WeasyPrint's system libraries, which pip cannot install:
  Debian or Ubuntu:  sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core
  macOS (Homebrew):  brew install pango
Every other page works without them."""


class Command(BaseCommand):
    help = "Render a one-line PDF with WeasyPrint; if that fails, print the system packages to install."

    def handle(self, *args, **options):
        try:
            from toolkit.pdf import html_to_pdf

            pdf = html_to_pdf('<html lang="en-GB"><p>Partnership Portal: PDF check</p></html>')
        except Exception as problem:  # a missing library shows as OSError, ImportError or others from cffi
            first_line = str(problem).strip().splitlines()[0] if str(problem).strip() else type(problem).__name__
            raise CommandError(f"WeasyPrint cannot make PDFs here ({first_line}).\n{INSTALL_HELP}") from None
        if not pdf.startswith(b"%PDF"):
            raise CommandError(f"WeasyPrint made something that is not a PDF.\n{INSTALL_HELP}")
        self.stdout.write(self.style.SUCCESS(f"PDFs work: WeasyPrint made a {len(pdf):,}-byte PDF."))
