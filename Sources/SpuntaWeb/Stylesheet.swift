/// The one stylesheet of the admin pages (`/admin/spunta.css`): readable on a 360-pixel phone — tables become
/// one card per row there, with each cell's header shown beside it — a visible focus for keyboard use, and
/// states told by words and marks, never by colour alone.
public enum Stylesheet {
    public static let path = "/admin/spunta.css"

    public static let css = """
        :root { --ink: #1b1b1b; --muted: #555; --line: #c8c8c8; --bad: #9b1c1c; --warn: #7a4b00; --good: #1d6b2f; --bg: #fff; }
        * { box-sizing: border-box; }
        html { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 100%; color: var(--ink); background: var(--bg); }
        body { margin: 0 auto; padding: 0.75rem; max-width: 80rem; line-height: 1.45; overflow-wrap: break-word; }
        h1 { font-size: 1.4rem; margin: 0.25rem 0; }
        h2 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; border-bottom: 2px solid var(--line); padding-bottom: 0.2rem; }
        p { margin: 0.4rem 0; }
        .muted { color: var(--muted); }
        .skip { position: absolute; left: -100vw; top: 0; }
        .skip:focus { position: static; display: inline-block; padding: 0.4rem; background: #ffe98a; }
        a, button, input { font: inherit; }
        :focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }
        header { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: baseline; justify-content: space-between; }
        header form { margin: 0; }
        button { padding: 0.45rem 0.9rem; border: 2px solid var(--ink); background: #f2f2f2; border-radius: 4px; cursor: pointer; }
        label { display: block; font-weight: bold; margin-bottom: 0.2rem; }
        input[type=password], input[type=text] { width: 100%; max-width: 28rem; padding: 0.45rem; border: 2px solid var(--muted); border-radius: 4px; }
        .error { color: var(--bad); font-weight: bold; }
        .numbers { display: flex; flex-wrap: wrap; gap: 0.75rem; margin: 0.5rem 0; padding: 0; }
        .numbers div { border: 2px solid var(--line); border-radius: 6px; padding: 0.4rem 0.8rem; min-width: 9rem; }
        .numbers dt { font-size: 0.9rem; color: var(--muted); }
        .numbers dd { margin: 0; font-size: 1.6rem; font-weight: bold; }
        table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; }
        caption { text-align: left; font-weight: bold; padding: 0.3rem 0; }
        th, td { text-align: left; vertical-align: top; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--line); }
        td.nowrap, th.nowrap, .whole { white-space: nowrap; }
        thead th { border-bottom: 2px solid var(--ink); }
        td.number, th.number { text-align: right; }
        .state { font-weight: bold; white-space: nowrap; }
        .state-ok { color: var(--good); }
        .state-check { color: var(--warn); }
        .state-silent, .state-revoked { color: var(--bad); }
        .state-check::before, .state-silent::before { content: "⚠ "; }
        ul.alerts, ol.conflicts { padding-left: 1.2rem; }
        ul.alerts li, ol.conflicts li { margin-bottom: 0.6rem; }
        .urgent { color: var(--bad); }
        .cleared { color: var(--muted); }
        pre.command { margin: 0.3rem 0; padding: 0.35rem 0.5rem; background: #f2f2f2; border-left: 3px solid var(--muted); white-space: pre-wrap; overflow-wrap: normal; overflow-x: auto; }
        pre.command .word { white-space: nowrap; }
        @media (max-width: 40rem) {
            body { padding: 0.5rem; }
            table.cards thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
            table.cards, table.cards caption, table.cards tbody, table.cards tr, table.cards td { display: block; width: 100%; }
            table.cards td:empty { display: none; }
            table.cards tr { border: 2px solid var(--line); border-radius: 6px; margin-bottom: 0.6rem; padding: 0.2rem 0; }
            table.cards td { border: 0; padding: 0.15rem 0.6rem; overflow-wrap: anywhere; white-space: normal; }
            table.cards td::before { content: attr(data-label) ": "; font-weight: bold; }
            td.number { text-align: left; }
        }
        """
}
