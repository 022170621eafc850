#!/usr/bin/env python3
"""Writes the same pairwise site as statusref's synthetic one, for Hugo: one markdown file per code
(the same sections), one stub file per pair, and templates that look both codes up and render them
side by side with related links. Usage: hugo_site.py DIR M"""
import os
import sys

dir_, m = sys.argv[1], int(sys.argv[2])
codes = [100 + i for i in range(m)]
os.makedirs(f"{dir_}/content/ftp", exist_ok=True)
os.makedirs(f"{dir_}/layouts/_default", exist_ok=True)
os.makedirs(f"{dir_}/layouts/pair", exist_ok=True)

with open(f"{dir_}/hugo.toml", "w") as f:
    f.write('baseURL = "https://synthetic.example.org/"\ntitle = "Synthetic"\n'
            'disableKinds = ["taxonomy", "term", "RSS"]\n')

for i, code in enumerate(codes):
    other = codes[(i + 1) % m]
    with open(f"{dir_}/content/ftp/{code}.md", "w") as f:
        f.write(f"""+++
title = "{code} Synthetic Reply {code}"
code = "{code}"
name = "Synthetic Reply {code}"
summary = "The server sends reply {code} in a situation made up for this test site."
+++

## Description

Reply {code} stands for one made-up outcome of a command, described in a paragraph long enough to look like real text. It differs from [{other}](../{other}/) in a way that only this site knows about.

## When you see it

- After `RETR` when the made-up condition {code} holds.
- After `STOR` when the same condition holds for an upload.

## How to fix

### As a client user

Send the command again once the condition is gone.

### As a server administrator

Check the server log for entries about condition {code}.

## Example

```
C: RETR file.txt
S: {code} Synthetic reply.
```
""")

for i, a in enumerate(codes):
    for b in codes[i + 1:]:
        with open(f"{dir_}/content/ftp/{a}-vs-{b}.md", "w") as f:
            f.write(f'+++\ntitle = "{a} vs {b}"\ntype = "pair"\na = "{a}"\nb = "{b}"\n+++\n')

with open(f"{dir_}/layouts/_default/baseof.html", "w") as f:
    f.write('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
            '<link rel="canonical" href="{{ .Permalink }}"></head><body>{{ block "main" . }}{{ end }}</body></html>\n')
with open(f"{dir_}/layouts/_default/single.html", "w") as f:
    f.write('{{ define "main" }}<h1>FTP {{ .Params.code }} {{ .Params.name }}</h1><p>{{ .Params.summary }}</p>'
            '{{ .Content }}{{ end }}\n')
with open(f"{dir_}/layouts/_default/list.html", "w") as f:
    f.write('{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range where .Pages "Type" "!=" "pair" }}'
            '<li><a href="{{ .RelPermalink }}">{{ .Params.code }} {{ .Params.name }}</a></li>{{ end }}</ul>{{ end }}\n')
with open(f"{dir_}/layouts/pair/single.html", "w") as f:
    f.write('{{ define "main" }}{{ $a := site.GetPage (printf "/ftp/%s" .Params.a) }}'
            '{{ $b := site.GetPage (printf "/ftp/%s" .Params.b) }}'
            '<h1>FTP {{ $a.Params.code }} {{ $a.Params.name }} vs {{ $b.Params.code }} {{ $b.Params.name }}</h1>'
            '<div><article><h2>{{ $a.Params.code }} {{ $a.Params.name }}</h2><p>{{ $a.Params.summary }}</p>{{ $a.Content }}</article>'
            '<article><h2>{{ $b.Params.code }} {{ $b.Params.name }}</h2><p>{{ $b.Params.summary }}</p>{{ $b.Content }}</article></div>'
            '<h2>Related comparisons</h2><ul>'
            '{{ $n := int $b.Params.code }}{{ range seq 1 6 }}{{ $c := add $n . }}'
            '{{ with site.GetPage (printf "/ftp/%s-vs-%d" $a.Params.code $c) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}'
            '</ul>{{ end }}\n')
