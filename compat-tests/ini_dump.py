"""Reference dump for the INI differential test (compat-tests/ini_differential_test.ts).

Parses config files with Python's configparser configured as supervisord 4.2.5
configures it (RawConfigParser, inline_comment_prefixes=(';', '#'),
strict=False) and prints what was parsed as JSON, one result per case.

Input: a JSON list of cases on stdin, each case a list of paths read into one
parser in order. The first path is read like supervisord's main config file
(open() in text mode, read_file); the others like [include]d files
(RawConfigParser.read). Command-line arguments, when given, are single-file
cases instead.

Output: a JSON list with, per case, either
  {"sections": [[name, [[key, value], ...]], ...],  # each section's own keys
   "defaults": [[key, value], ...],
   "options": {name: [...]}, "items": {name: [[key, value], ...]},
   "files": {name: path}}  # the file whose read first created the section
or {"error": str(exception), "type": exception class name}.
"""

import configparser
import json
import sys


def new_parser():
    return configparser.RawConfigParser(
        inline_comment_prefixes=(";", "#"), strict=False
    )


def dump_case(paths):
    parser = new_parser()
    files = {}
    try:
        for index, path in enumerate(paths):
            before = set(parser.sections())
            if index == 0:
                with open(path) as fp:
                    parser.read_file(fp)
            else:
                parser.read(path)
            for name in parser.sections():
                if name not in before:
                    files[name] = path
    except Exception as exc:  # every failure is part of the comparison
        return {"error": str(exc), "type": type(exc).__name__}
    names = parser.sections()
    return {
        "sections": [
            [name, [[k, v] for k, v in parser._sections[name].items()]]
            for name in names
        ],
        "defaults": [[k, v] for k, v in parser.defaults().items()],
        "options": {name: parser.options(name) for name in names},
        "items": {name: [[k, v] for k, v in parser.items(name)] for name in names},
        "files": files,
    }


def main():
    if len(sys.argv) > 1:
        cases = [[path] for path in sys.argv[1:]]
    else:
        cases = json.load(sys.stdin)
    json.dump([dump_case(paths) for paths in cases], sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
