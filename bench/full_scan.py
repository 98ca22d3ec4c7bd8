"""Reference "list": walk a docs root, read every .md, parse each header with libyaml."""

import os
import sys


def headers(root: str):
    """Yield the front matter text of every .md file under `root` that has one."""
    stack = [root]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.name.endswith(".md"):
                    with open(entry.path, encoding="utf-8") as f:
                        text = f.read()
                    end = text.find("\n---\n", 4)
                    if text.startswith("---\n") and end != -1:
                        yield text[4:end]


def main(root: str) -> None:
    """Parse every header and print how many parsed and how many failed."""
    import yaml  # module-level imports of yaml are banned project-wide (ruff TID253)

    docs = errors = 0
    for header in headers(root):
        try:
            yaml.load(header, Loader=yaml.CSafeLoader)
            docs += 1
        except yaml.YAMLError:
            errors += 1
    print(f"docs={docs} errors={errors}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "ttmp")
