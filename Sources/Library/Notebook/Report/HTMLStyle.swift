/// The stylesheet inlined in every page: system fonts, no network.
enum HTMLStyle {
    /// Every page's start, up to and including `<main>` and a line break: doctype, metadata, `title` (escaped)
    /// and the inlined stylesheet.
    static func pageStart(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title))</title>
        <style>
        \(css)
        </style>
        </head>
        <body>
        <main>

        """
    }

    static let css = """
        :root {
          --text: #1f2328; --muted: #59636e; --rule: #d8dee4; --accent: #1f6feb; --code-bg: #f6f8fa;
          --out-bg: #fbfbfc; --note-bg: #fff8e6; --note-rule: #e8b93a; --fail-bg: #ffebe9; --fail-rule: #d1242f;
        }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; color: var(--text); background: #fff;
          font: 17px/1.65 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", sans-serif; }
        main { max-width: 860px; margin: 0 auto; padding: 28px 24px 80px; }
        a { color: var(--accent); text-decoration: none; }
        a:hover { text-decoration: underline; }
        nav.crumbs { font-size: 14px; color: var(--muted); margin-bottom: 28px; }
        header { border-bottom: 1px solid var(--rule); padding-bottom: 18px; margin-bottom: 8px; }
        .kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 13px; font-weight: 600;
          color: var(--accent); margin: 0 0 4px; }
        h1 { font-size: 34px; line-height: 1.2; margin: 0 0 10px; letter-spacing: -.01em; }
        .meta { font-size: 14px; color: var(--muted); margin: 0; }
        .meta span + span::before { content: "·"; margin: 0 .5em; color: var(--rule); }
        .toc { font-size: 15px; margin: 18px 0 8px; padding: 12px 18px; background: var(--code-bg);
          border-radius: 8px; }
        .toc ol { margin: 4px 0 0; padding-left: 0; list-style: none; columns: 2; column-gap: 32px; }
        .toc li { margin: 2px 0; break-inside: avoid; padding-left: 2.2em; text-indent: -2.2em; }
        .toc .num { color: var(--muted); display: inline-block; min-width: 2.2em; text-indent: 0; }
        h2 { font-size: 24px; line-height: 1.3; margin: 44px 0 12px; padding-top: 8px; }
        h2 .num { color: var(--muted); font-weight: 500; margin-right: .45em; }
        p { margin: 0 0 14px; }
        code { font: 0.88em/1.5 ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
          background: var(--code-bg); padding: .1em .25em; border-radius: 4px; }
        pre code { background: none; padding: 0; font: inherit; border-radius: 0; }
        .cell { margin: 18px 0 22px; }
        .cell-head { display: flex; justify-content: space-between; font: 12px/1.4 ui-monospace, "DejaVu Sans Mono",
          monospace; color: var(--muted); margin-bottom: 4px; }
        pre { margin: 0; overflow-x: auto; font: 13px/1.55 ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo,
          Consolas, monospace; tab-size: 4; }
        pre.code { background: var(--code-bg); border: 1px solid var(--rule); border-radius: 8px; padding: 12px 16px; }
        .listing pre.code { border-style: dashed; }
        pre.output { border-left: 3px solid var(--rule); padding: 8px 14px; margin-top: 8px; background: var(--out-bg);
          color: #303840; font-size: 13.5px; white-space: pre-wrap; }
        .k { color: #cf222e; } .s { color: #0a3069; } .n { color: #0550ae; } .c { color: #6e7781; font-style: italic; }
        .t { color: #8250df; } .a { color: #953800; }
        figure { margin: 26px 0 30px; text-align: center; }
        figure img { max-width: 100%; height: auto; border-radius: 4px; }
        figure img.pixelated { image-rendering: pixelated; }
        figcaption { font-size: 15px; color: var(--muted); margin-top: 8px; }
        figcaption b { color: var(--text); }
        .table-wrap { overflow-x: auto; margin: 18px 0 24px; }
        table { border-collapse: collapse; font-size: 15px; margin: 0 auto; min-width: 50%; }
        caption { font-weight: 600; margin-bottom: 8px; }
        th, td { padding: 6px 14px; border-bottom: 1px solid var(--rule); text-align: left; }
        th { border-bottom: 2px solid #8c959f; font-weight: 600; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        tbody tr:nth-child(even) { background: #fafbfc; }
        .note { background: var(--note-bg); border-left: 4px solid var(--note-rule); padding: 10px 16px;
          border-radius: 0 8px 8px 0; margin: 18px 0; }
        .note p:last-child { margin-bottom: 0; }
        .failure { background: var(--fail-bg); border-left: 4px solid var(--fail-rule); padding: 10px 16px;
          border-radius: 0 8px 8px 0; margin: 18px 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace;
          font-size: 14px; white-space: pre-wrap; }
        .list h3 { font-size: 20px; margin: 40px 0 8px; }
        .list li { margin: 4px 0; }
        footer { margin-top: 56px; padding-top: 14px; border-top: 1px solid var(--rule); font-size: 13px;
          color: var(--muted); }
        .lessons { list-style: none; padding: 0; margin: 24px 0; }
        .lessons li { border: 1px solid var(--rule); border-radius: 10px; margin: 12px 0; }
        .lessons a { display: block; padding: 14px 18px; color: var(--text); }
        .lessons a:hover { background: var(--code-bg); text-decoration: none; }
        .lessons .num { color: var(--accent); font-weight: 600; font-size: 13px; text-transform: uppercase;
          letter-spacing: .06em; }
        .lessons .title { display: block; font-size: 20px; font-weight: 600; }
        .lessons .info { display: block; font-size: 14px; color: var(--muted); }
        @media (min-width: 1120px) { .cell { margin-left: -64px; margin-right: -64px; } }
        @media (max-width: 600px) { .toc ol { columns: 1; } h1 { font-size: 28px; } }
        @media print { main { max-width: none; } pre.code, .toc { break-inside: avoid; } }
        """
}
