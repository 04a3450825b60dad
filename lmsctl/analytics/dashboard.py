"""``lmsctl analytics report --format html``: a self-contained dashboard for coaches.

``index.html`` lists every course, sortable by how much it needs attention (its insight
findings), with goals and paths; ``courses/<id>.html`` shows one course: the funnel, the
reaction score over time and each question's facility and wrong-choice shares. Charts are drawn
by pygal as inline SVG (text stays text; its optional tooltip script is left out): no script,
style or font is loaded from anywhere, so the pages work from ``file://`` and offline. A Content
Security Policy in every page forbids any request. No learner's actor is in any page, and a
withheld figure is shown as its reason.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from lmsctl.analytics.measures import CourseFigures, Figure, Figures, ItemFigures
from lmsctl.analytics.report import attention, count, minutes, pct, ratio, score
from lmsctl.core.diagnostics import Diagnostic
from lmsctl.core.files import write_atomic
from lmsctl.core.model import Repository

CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "img-src data:; base-uri 'none'; form-action 'none'")

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;
background:#fff;line-height:1.45}
header,main{max-width:72rem;margin:0 auto;padding:0 1rem}
header{border-bottom:1px solid #ccc;margin-bottom:1rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;
color:#0b4f8a;text-decoration:underline}
td.num,th.num{text-align:right}
.withheld{color:#595959;font-style:italic}
.badge{display:inline-block;min-width:1.5rem;text-align:center;border-radius:.75rem;
padding:0 .4rem;background:#e8e8e8}
.badge.hot{background:#b3261e;color:#fff}
figure{margin:1rem 0 2rem}figcaption{font-weight:600;margin-bottom:.25rem}
figure svg{max-width:100%;height:auto;display:block}
.finding{margin:.2rem 0}.finding code{background:#f3f3f3;padding:0 .2rem}
a{color:#0b4f8a}
"""

SORT_SCRIPT = """
document.querySelectorAll("table[data-sortable]").forEach(function (table) {
  table.querySelectorAll("th button").forEach(function (button, index) {
    button.addEventListener("click", function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var down = button.getAttribute("data-dir") !== "desc";
      rows.sort(function (a, b) {
        var x = a.cells[index].getAttribute("data-sort") || a.cells[index].textContent;
        var y = b.cells[index].getAttribute("data-sort") || b.cells[index].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return down ? -c : c;
      });
      button.setAttribute("data-dir", down ? "desc" : "asc");
      table.querySelectorAll("th").forEach(function (th) { th.removeAttribute("aria-sort"); });
      button.parentNode.setAttribute("aria-sort", down ? "descending" : "ascending");
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""

_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _page(title: str, body: str, up: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n'
            f'<header><h1>{_e(title)}</h1>'
            + (f'<p><a href="{up}index.html">All courses</a></p>' if up else "")
            + f'</header>\n<main>\n{body}\n</main>\n<script>{SORT_SCRIPT}</script>\n'
            '</body>\n</html>\n')


def _cell(f: Figure, text: str, sort: float | None = None) -> str:
    if f.withheld:
        return f'<td class="num withheld" data-sort="-1">{_e(f.withheld)}</td>'
    value = f.value if sort is None else sort
    return f'<td class="num" data-sort="{value if value is not None else -1}">{_e(text)}</td>'


def _style() -> Any:
    from pygal.style import Style

    font = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
    return Style(background="white", plot_background="white", font_family=font,
                 label_font_family=font, major_label_font_family=font,
                 title_font_family=font, legend_font_family=font, value_font_family=font,
                 tooltip_font_family=font, label_font_size=13, major_label_font_size=13,
                 title_font_size=16, legend_font_size=13, value_font_size=13,
                 colors=("#0b4f8a", "#b3261e", "#2e7d32", "#6a1b9a", "#e65100"))


def _svg(chart: Any) -> str:
    """The chart as inline SVG, without pygal's tooltip script (nothing to load)."""
    text = chart.render(is_unicode=True)
    return _SCRIPT.sub("", text)


def _chart(kind: str, caption: str, body: str) -> str:
    return (f'<figure data-chart="{_e(kind)}"><figcaption>{_e(caption)}</figcaption>'
            f"{body}</figure>")


def _withheld_chart(kind: str, caption: str, why: str) -> str:
    return (f'<figure data-chart-withheld="{_e(kind)}"><figcaption>{_e(caption)}</figcaption>'
            f'<p class="withheld">{_e(why)}</p></figure>')


def _config(**extra: Any) -> dict[str, Any]:
    return {"js": [], "disable_xml_declaration": True, "style": _style(), "width": 800,
            "height": 360, "show_legend": False, "print_values": True,
            "truncate_label": 28, **extra}


def funnel_chart(course: CourseFigures) -> str:
    import pygal

    shown = [lesson for lesson in course.lessons if lesson.reached.shown]
    if not shown:
        why = course.lessons[0].reached.withheld if course.lessons else "no lessons"
        return _withheld_chart("funnel", "Funnel: share of learners who reached each lesson",
                               why or "no data")
    chart = pygal.Bar(**_config(range=(0, 100), value_formatter=lambda v: f"{v:.0f}%",
                                x_label_rotation=20))
    chart.title = "Share of learners who reached each lesson (%)"
    chart.x_labels = [f"{i}. {lesson.id}" for i, lesson in enumerate(course.lessons, start=1)]
    chart.add("reached", [None if not x.reached.shown else round((x.reached.value or 0) * 100, 1)
                          for x in course.lessons])
    return _chart("funnel", "Funnel: share of learners who reached each lesson", _svg(chart))


def reaction_chart(course: CourseFigures) -> str:
    import pygal

    weeks = [(w, f) for w, f in course.reaction_weeks if f.shown]
    caption = "Reaction score by week (100 x (yes - no) / (yes + no))"
    if not weeks:
        why = ("no week has ratings from enough learners" if course.reaction_weeks
               else "no ratings yet")
        return _withheld_chart("reaction", caption, why)
    chart = pygal.Line(**_config(range=(-100, 100), value_formatter=lambda v: f"{v:+.0f}",
                                 x_label_rotation=20))
    chart.title = "Reaction score by week"
    chart.x_labels = [w for w, _ in weeks]
    chart.add("reaction", [round(f.value or 0, 1) for _, f in weeks])
    return _chart("reaction", caption, _svg(chart))


def facility_chart(course: CourseFigures) -> str:
    import pygal

    items = [i for i in course.items if i.current and i.facility.shown]
    caption = "Facility: share of learners right at their first attempt (current versions)"
    if not items:
        return _withheld_chart("facility", caption,
                               "no question has first attempts from enough learners")
    chart = pygal.HorizontalBar(**_config(range=(0, 1), value_formatter=lambda v: f"{v:.2f}",
                                          height=max(200, 60 + 40 * len(items))))
    chart.title = "Facility (first attempts)"
    chart.x_labels = [f"{i.lesson}#{i.question}" for i in items]
    chart.add("facility", [round(i.facility.value or 0, 3) for i in items])
    return _chart("facility", caption, _svg(chart))


def distractor_chart(item: ItemFigures) -> str:
    import pygal

    caption = (f"{item.lesson}#{item.question} (version {item.version}): share of first "
               "attempts choosing each wrong choice")
    shown = {k: f for k, f in item.distractors.items() if f.shown}
    if not shown:
        why = next((f.withheld for f in item.distractors.values() if f.withheld),
                   None) or "no wrong choices"
        return _withheld_chart("distractors", caption, why)
    chart = pygal.HorizontalBar(**_config(range=(0, 1), value_formatter=lambda v: f"{v:.0%}",
                                          height=max(160, 60 + 40 * len(shown))))
    chart.title = f"Wrong choices picked: {item.lesson}#{item.question}"
    chart.x_labels = [f"{k}: {item.choices.get(k, '')}".rstrip(": ") for k in shown]
    chart.add("picked", [round(f.value or 0, 3) for f in shown.values()])
    return _chart("distractors", caption, _svg(chart))


def _findings(found: list[Diagnostic]) -> str:
    if not found:
        return "<p>No insight findings.</p>"
    rows = "".join(f'<li class="finding"><strong>{_e(d.rule)}</strong> {_e(d.severity.value)} '
                   f"<code>{_e(d.path)}:{d.line}</code>: {_e(d.message)}</li>" for d in found)
    return f"<ul>{rows}</ul>"


def course_page(course: CourseFigures, found: list[Diagnostic]) -> str:
    lessons = "".join(
        f"<tr><td>{i}. {_e(x.title)} <code>{_e(x.id)}</code></td>"
        f"{_cell(x.reached, pct(x.reached))}"
        + (_cell(x.dropoff, pct(x.dropoff)) if x.dropoff is not None
           else '<td class="num">-</td>')
        + f"{_cell(x.reaction, score(x.reaction))}<td class=\"num\">{x.ratings}</td></tr>"
        for i, x in enumerate(course.lessons, start=1))
    questions = "".join(
        f"<tr><td><code>{_e(q.lesson)}#{_e(q.question)}</code> {_e(q.text[:80])}</td>"
        f"<td><code>{_e(q.version)}</code>{'' if q.current else ' (older)'}</td>"
        f"{_cell(q.facility, ratio(q.facility))}"
        f"{_cell(q.discrimination, ratio(q.discrimination))}</tr>"
        for q in course.items)
    charts = [funnel_chart(course), reaction_chart(course), facility_chart(course)]
    charts += [distractor_chart(q) for q in course.items if q.current]
    body = (
        f"<p>Owners: {_e(', '.join(course.owners) or 'none')}"
        + (f" · Goals: {_e(', '.join(course.goals))}" if course.goals else "") + "</p>"
        f'<table><tbody><tr><th>Learners</th>{_cell(course.learners, count(course.learners))}'
        f"<th>Pass rate</th>{_cell(course.pass_rate, pct(course.pass_rate))}"
        f"<th>Median time</th>{_cell(course.time, minutes(course.time))}"
        f"<th>Reaction</th>{_cell(course.reaction, score(course.reaction))}</tr></tbody>"
        f"</table>"
        f"<h2>Needs attention</h2>{_findings(found)}"
        f"<h2>Lessons</h2><table><thead><tr><th>Lesson</th><th class=\"num\">Reached</th>"
        f"<th class=\"num\">Drop-off after</th><th class=\"num\">Reaction</th>"
        f"<th class=\"num\">Ratings</th></tr></thead><tbody>{lessons}</tbody></table>"
        f"<h2>Questions</h2><table><thead><tr><th>Question</th><th>Version</th>"
        f"<th class=\"num\">Facility</th><th class=\"num\">Discrimination</th></tr></thead>"
        f"<tbody>{questions}</tbody></table>"
        f"<h2>Charts</h2>{''.join(charts)}")
    return _page(f"{course.title}: analytics", body, up="../")


def index_page(figs: Figures, found: dict[str, list[Diagnostic]]) -> str:
    ranked = sorted(figs.courses, key=lambda c: (-attention(c, found.get(c.id, [])), c.id))
    rows = []
    for c in ranked:
        need = attention(c, found.get(c.id, []))
        rows.append(
            f'<tr><td data-sort="{need}" class="num"><span class="badge{" hot" if need else ""}"'
            f">{need}</span></td>"
            f'<td><a href="courses/{_e(c.id)}.html">{_e(c.title)}</a></td>'
            f"<td>{_e(', '.join(c.owners))}</td>"
            f"{_cell(c.learners, count(c.learners))}{_cell(c.pass_rate, pct(c.pass_rate))}"
            f"{_cell(c.time, minutes(c.time))}{_cell(c.reaction, score(c.reaction))}</tr>")
    goals = "".join(
        f"<tr><td>{_e(g.title)} <code>{_e(g.id)}</code></td><td>{_e(g.owner)}</td>"
        f"<td>{_e(', '.join(g.courses))}</td>{_cell(g.learners, count(g.learners))}"
        f"{_cell(g.pass_rate, pct(g.pass_rate))}{_cell(g.time, minutes(g.time))}</tr>"
        for g in figs.goals)
    paths = "".join(
        f"<tr><td>{_e(p.title)} <code>{_e(p.id)}</code></td>"
        f"{_cell(p.learners, count(p.learners))}{_cell(p.completions, pct(p.completions))}</tr>"
        for p in figs.paths)
    header = "".join(
        f'<th{" class=num" if i > 2 else ""}><button type="button">{_e(h)}</button></th>'
        for i, h in enumerate(["Needs attention", "Course", "Owners", "Learners", "Pass rate",
                               "Median time", "Reaction"]))
    body = (
        f"<p>{figs.counted} statements about these courses"
        + (f" since {_e(figs.since)}" if figs.since else "")
        + f". Figures over fewer than {figs.min_learners} learners are withheld. Sort by a "
        "column with its button.</p>"
        f'<h2>Courses</h2><table data-sortable id="courses"><thead><tr>{header}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        + (f"<h2>Goals</h2><table><thead><tr><th>Goal</th><th>Owner</th><th>Courses</th>"
           f'<th class="num">Learners</th><th class="num">Pass rate</th>'
           f'<th class="num">Median time</th></tr></thead><tbody>{goals}</tbody></table>'
           if figs.goals else "")
        + (f'<h2>Paths</h2><table><thead><tr><th>Path</th><th class="num">Learners</th>'
           f'<th class="num">Completed</th></tr></thead><tbody>{paths}</tbody></table>'
           if figs.paths else ""))
    return _page("Learning analytics", body)


def write_dashboard(folder: Path, repo: Repository, figs: Figures,
                    found: dict[str, list[Diagnostic]]) -> Path:
    (folder / "courses").mkdir(parents=True, exist_ok=True)
    for c in figs.courses:
        write_atomic(folder / "courses" / f"{c.id}.html", course_page(c, found.get(c.id, [])))
    index = folder / "index.html"
    write_atomic(index, index_page(figs, found))
    return index
