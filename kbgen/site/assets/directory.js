// kbgen: the mentor directory page. Filters the list and ranks mentors for a mentee's needs,
// in the browser, from mentors/directory.json (format: kbgen/directory/export.py).
// Every text goes in with textContent, never innerHTML. Browsers refuse fetch() on file:// pages:
// offline builds also publish the data as mentors/directory-data.js, loaded by a script tag on the
// page, which sets window.kbgenDirectory; when it is there it is used instead of the fetch.
// kbgen's words are msgids in _() and ngettext(): the page gives their translations in the site's
// language (data-words on #kb-directory, from kbgen's catalogue: kbgen/site/i18n.py js_messages);
// without them the msgids are the words.
(function () {
  "use strict";
  var WEEK = 10080;
  var PAGE = 50;
  var BROWSE_KEYS = ["topic", "org", "lang", "country", "format", "tz", "taking"];
  var FIND_KEYS = ["find", "need", "speaks", "zone", "hours", "days", "prefer", "from-country", "my-org", "outside", "full"];
  var uid = 0;
  var WORDS = { lang: "", plural: {}, messages: {} };

  function fill(text, vars) {
    return String(text).replace(/%\((\w+)\)s|%%/g, function (m, name) { return name ? String(vars[name]) : "%"; });
  }
  function _(msgid, vars) {
    var text = WORDS.messages[msgid];
    text = typeof text === "string" && text ? text : msgid;
    return vars ? fill(text, vars) : text;
  }
  function ngettext(singular, plural, n, vars) {
    var forms = WORDS.messages[singular], index = n === 1 ? 0 : 1, all = { num: n };
    if (Array.isArray(forms) && WORDS.lang) {
      try { index = WORDS.plural[new Intl.PluralRules(WORDS.lang).select(n)]; } catch (e) { /* no Intl */ }
      if (index === undefined) index = n === 1 ? 0 : 1;
    }
    var text = Array.isArray(forms) && forms[index] ? forms[index] : (index === 0 ? singular : plural);
    Object.keys(vars || {}).forEach(function (k) { all[k] = vars[k]; });
    return fill(text, all);
  }
  function days() { return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]; }
  // Names of languages and countries in the site's language, where it is not English, as the
  // browser names them (the data names them too, in the site's language, for a browser without Intl).
  function localName(type, code, fallback) {
    if (!WORDS.lang) return fallback;
    try { return new Intl.DisplayNames([WORDS.lang], { type: type }).of(code) || fallback; } catch (e) { return fallback; }
  }

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      if (k === "text") node.textContent = props[k];
      else if (k === "class") node.className = props[k];
      else if (k in node && typeof props[k] !== "string") node[k] = props[k];
      else node.setAttribute(k, props[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function id(name) { uid += 1; return "kb-" + name + "-" + uid; }
  function field(label, control) {
    control.id = control.id || id("f");
    return el("div", { class: "kb-field" }, [el("label", { text: label, for: control.id }), control]);
  }
  function select(options, all) {
    var s = el("select");
    if (all) s.appendChild(el("option", { value: "", text: all }));
    options.forEach(function (o) { s.appendChild(el("option", { value: String(o[0]), text: o[1] })); });
    return s;
  }
  function checkbox(label, checked) {
    var box = el("input", { type: "checkbox", checked: !!checked });
    box.id = id("c");
    return { box: box, node: el("div", { class: "kb-check" }, [box, el("label", { text: " " + label, for: box.id })]) };
  }
  function and(words) {
    return words.length < 2 ? words.join("") :
      _("%(first)s and %(last)s", { first: words.slice(0, -1).join(", "), last: words[words.length - 1] });
  }
  function norm(s) { return String(s).toLowerCase().replace(/\s+/g, " ").trim(); }

  function capital(s) { s = String(s); return s.charAt(0).toUpperCase() + s.slice(1); }

  // Typos: optimal string alignment (Damerau-Levenshtein with adjacent swaps), written here because
  // the page loads no library (it must work offline and from disk); topics are short, so the plain
  // O(n*m) table is enough. Allowed: 1 edit for words of 5+ letters, 2 for 9+, none below.
  function edits(a, b) {
    var d = [], i, j;
    for (i = 0; i <= a.length; i++) { d.push([i]); for (j = 1; j <= b.length; j++) d[i].push(i ? 0 : j); }
    for (i = 1; i <= a.length; i++) {
      for (j = 1; j <= b.length; j++) {
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
    return d[a.length][b.length];
  }
  function closest(word, labels) {  // the one label within the allowance, the nearest; null if none
    var allowed = word.length >= 9 ? 2 : word.length >= 5 ? 1 : 0, best = null, bestD = allowed + 1;
    if (!allowed) return null;
    labels.forEach(function (label) {
      if (Math.abs(label.length - word.length) > allowed) return;
      var e = edits(word, label);
      if (e < bestD) { best = label; bestD = e; }
    });
    return best;
  }

  // The view in the address: filters and the Find a mentor form as ?topic=…&lang=es, so a link
  // opens the same view. Values read back are only used where they equal an option or pass a
  // pattern, and always go in as values, never as HTML.
  function query() { try { return new URLSearchParams(location.search); } catch (e) { return { get: function () { return null; } }; } }
  function keep(keys, values) {
    try {
      var url = new URL(location.href);
      keys.forEach(function (k) { url.searchParams.delete(k); });
      keys.forEach(function (k) { if (values[k]) url.searchParams.set(k, values[k]); });
      if (url.href !== location.href) history.replaceState(history.state, "", url.href);
    } catch (e) { /* no URL or history: the view is not kept */ }
  }
  function choose(sel, value) {  // select value only where it is one of the options
    if (value === null || value === undefined) return false;
    for (var i = 0; i < sel.options.length; i++) {
      if (sel.options[i].value === value) { sel.value = value; return true; }
    }
    return false;
  }

  // Minutes east of UTC of an IANA zone or "UTC+05:30" at a given instant.
  function tzOffset(tz, date) {
    var m = /^UTC(?:([+-])(\d{1,2})(?::(\d\d))?)?$/.exec(tz);
    if (m) return m[1] ? (m[1] === "-" ? -1 : 1) * (60 * +m[2] + +(m[3] || 0)) : 0;
    var p = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit"
    }).formatToParts(date).forEach(function (x) { p[x.type] = x.value; });
    var local = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second);
    return Math.round((local - date.getTime()) / 60000);
  }
  function minutes(hhmm) { var a = String(hhmm || "0:0").split(":"); return 60 * +a[0] + +(a[1] || 0); }
  // Local (day, start, end) windows -> UTC [start, end) minute-of-week ranges, as export.py.
  function utcRanges(days, start, end, offset) {
    var out = [];
    if (end <= start) end += 1440;
    days.forEach(function (d) {
      var lo = (((d * 1440 + start - offset) % WEEK) + WEEK) % WEEK, hi = lo + end - start;
      if (hi > WEEK) out.push([lo, WEEK], [0, hi - WEEK]); else out.push([lo, hi]);
    });
    return out;
  }
  function overlap(flat, ranges) {
    var total = 0;
    for (var i = 0; i + 1 < flat.length; i += 2) {
      ranges.forEach(function (r) { total += Math.max(0, Math.min(flat[i + 1], r[1]) - Math.max(flat[i], r[0])); });
    }
    return total;
  }

  function decode(data) {
    var topics = data.topics.map(function (t, i) { return { i: i, label: t[0], slug: t[1] }; });
    var countries = (data.countries || []).map(function (c) { return [c[0], localName("region", c[0], c[1])]; });
    // Languages, countries and formats come with their names (kbgen names them when it builds).
    var names = { lang: {}, format: {} };
    (data.langs || []).forEach(function (l) { names.lang[l[0]] = localName("language", l[0], l[1]); });
    (data.formats || []).forEach(function (f) { names.format[f[0]] = f[1]; });
    var mentors = data.m.map(function (r) {
      var counts = {}, recorded = {};
      (r.k || []).forEach(function (k) { counts[k[0]] = k[1]; });
      (r.g || []).forEach(function (g) { recorded[data.langs[g[0]][0]] = g[1]; });
      return {
        id: r.i, name: r.n, title: r.t || "", org: data.orgs[r.o] || "", tz: data.tzs[r.z] || "UTC",
        offset: r.u || 0, band: r.b || 0,
        langs: (r.l || []).map(function (i) { return data.langs[i][0]; }),
        formats: (r.f || []).map(function (i) { return data.formats[i][0]; }),
        country: r.y === undefined ? null : countries[r.y],
        expertise: r.e || [], offers: (r.x || []).map(function (x) { return x[0]; }),
        avail: r.a || [], hours: r.h || 0, capacity: r.c || 0,
        status: data.status[r.s] || ["taking", ""], counts: counts, total: r.r || 0, recorded: recorded,
        merit: r.q || [0, 0], meritWords: r.qr || ["", ""],
        url: /^[a-z0-9-]+$/.test(r.i) ? data.url.replace("{}", r.i) : ""
      };
    });
    return { topics: topics, mentors: mentors, data: data, names: names, countries: countries,
      languageName: function (code) { return names.lang[code] || code; },
      formatWords: function (f) { return names.format[f] || f; } };
  }

  function mentorHeading(m, level) {
    var h = el(level);
    h.appendChild(m.url ? el("a", { href: m.url, text: m.name }) : el("span", { text: m.name }));
    return h;
  }
  function statusBadge(m) {
    return el("span", { class: "kb-status kb-status-" + m.status[0].replace(/[^a-z-]/g, ""), text: m.status[1] || m.status[0] });
  }
  function sortedOptions(values, label) {
    return values.map(function (v) { return [v, label ? label(v) : v]; })
      .sort(function (a, b) { return a[1].localeCompare(b[1]); });
  }

  // ---- Browse: filters and the list --------------------------------------------------------
  function browse(root, d) {
    var data = d.data, used = {};
    d.mentors.forEach(function (m) { m.expertise.concat(m.offers).forEach(function (i) { used[i] = 1; }); });
    var topicSel = select(d.topics.filter(function (t) { return used[t.i]; })
      .map(function (t) { return [t.i, t.label]; })
      .sort(function (a, b) { return a[1].localeCompare(b[1]); }), _("Any topic"));
    var orgSel = select(sortedOptions(data.orgs.map(function (o, i) { return i; }).filter(function (i) { return data.orgs[i]; }),
      function (i) { return data.orgs[i]; }), _("Any organisation"));
    var langSel = select(sortedOptions(data.langs.map(function (l) { return l[0]; }), d.languageName), _("Any language"));
    var countrySel = select(d.countries.map(function (c) { return [c[0], c[1]]; })
      .sort(function (a, b) { return a[1].localeCompare(b[1]); }), _("Any country"));
    var formatSel = select(sortedOptions(data.formats.map(function (f) { return f[0]; }),
      function (f) { return capital(d.formatWords(f)); }), _("Any format"));
    var bandSel = select(data.bands.map(function (b, i) { return [i, b[2]]; }), _("Any time zone"));
    var taking = checkbox(_("Only mentors taking mentees"), false);
    var count = el("p", { class: "kb-count", role: "status", "aria-live": "polite" });
    var list = el("ul", { class: "kb-dir-list" });
    var more = el("button", { type: "button", class: "md-button", text: _("Show more"), hidden: true });
    var shown = [], limit = PAGE;
    var form = el("form", { class: "kb-dir-filters", "aria-label": _("Filter mentors") }, [
      field(_("Topic"), topicSel), field(_("Organisation"), orgSel), field(_("Language"), langSel),
      data.countries.length ? field(_("Country"), countrySel) : null,
      field(_("Format"), formatSel), field(_("Time zone"), bandSel), taking.node
    ]);
    form.addEventListener("submit", function (e) { e.preventDefault(); });

    function render() {
      list.textContent = "";
      shown.slice(0, limit).forEach(function (m) {
        var meta = [m.title, m.org, m.langs.map(d.languageName).join(", "), m.country ? m.country[1] : "", m.tz]
          .filter(Boolean).join(" · ");
        list.appendChild(el("li", { class: "kb-mentor" }, [
          mentorHeading(m, "h3"),
          el("p", {}, [el("span", { text: meta + " " }), statusBadge(m)]),
          m.expertise.length ? el("p", { text: _("Expertise: %(topics)s", { topics: m.expertise.map(function (i) { return d.topics[i].label; }).join(", ") }) }) : null
        ]));
      });
      more.hidden = shown.length <= limit;
    }
    function update() {
      var t = topicSel.value, o = orgSel.value, l = langSel.value, f = formatSel.value, b = bandSel.value,
        c = countrySel.value;
      shown = d.mentors.filter(function (m) {
        return (t === "" || m.expertise.indexOf(+t) >= 0 || m.offers.indexOf(+t) >= 0) &&
          (o === "" || m.org === data.orgs[+o]) && (l === "" || m.langs.indexOf(l) >= 0) &&
          (f === "" || m.formats.indexOf(f) >= 0) && (b === "" || m.band === +b) &&
          (c === "" || (m.country && m.country[0] === c)) &&
          (!taking.box.checked || m.status[0] === "taking");
      }).sort(function (a, b2) { return a.name.localeCompare(b2.name) || (a.id < b2.id ? -1 : 1); });
      limit = PAGE;
      count.textContent = _("%(shown)s of %(total)s mentors", { shown: shown.length, total: d.mentors.length });
      render();
    }
    more.addEventListener("click", function () { limit += PAGE; render(); });
    var bySlug = {};
    d.topics.forEach(function (t) { bySlug[t.slug] = String(t.i); });
    function save() {
      var band = data.bands[+bandSel.value];
      keep(BROWSE_KEYS, {
        topic: topicSel.value === "" ? "" : d.topics[+topicSel.value].slug, org: orgSel.value === "" ? "" : data.orgs[+orgSel.value],
        lang: langSel.value, country: countrySel.value, format: formatSel.value,
        tz: bandSel.value === "" || !band ? "" : String(band[0]), taking: taking.box.checked ? "1" : ""
      });
    }
    function restore() {
      var q = query(), org = q.get("org"), tz = q.get("tz");
      if (Object.prototype.hasOwnProperty.call(bySlug, q.get("topic"))) choose(topicSel, bySlug[q.get("topic")]);
      if (org) choose(orgSel, String(data.orgs.indexOf(org)));
      choose(langSel, q.get("lang"));
      choose(countrySel, q.get("country"));
      choose(formatSel, q.get("format"));
      if (tz) data.bands.forEach(function (b, i) { if (String(b[0]) === tz) choose(bandSel, String(i)); });
      taking.box.checked = q.get("taking") === "1";
    }
    form.addEventListener("change", function () { update(); save(); });
    restore();
    root.appendChild(el("section", { class: "kb-dir-browse", "aria-labelledby": "kb-browse-h" }, [
      el("h2", { id: "kb-browse-h", text: _("Browse mentors") }), form, count, list, more
    ]));
    update();
  }

  // ---- Find a mentor: needs -> ranked mentors with reasons ---------------------------------
  function timeZones(current) {
    var zones = [];
    try { zones = Intl.supportedValuesOf("timeZone"); } catch (e) { /* older browser */ }
    var offsets = [];
    for (var h = -12; h <= 14; h++) offsets.push("UTC" + (h < 0 ? "-" : "+") + ("0" + Math.abs(h)).slice(-2) + ":00");
    offsets.push("UTC-03:30", "UTC+03:30", "UTC+05:30", "UTC+05:45", "UTC+09:30");
    var all = ["UTC"].concat(zones.filter(function (z) { return z !== "UTC"; }), offsets);
    if (current && all.indexOf(current) < 0) all.unshift(current);
    return all;
  }

  function find(root, d) {
    var data = d.data, byLabel = {};
    d.topics.forEach(function (t) { if (!(norm(t.label) in byLabel)) byLabel[norm(t.label)] = t.i; });
    var listId = id("topics");
    var datalist = el("datalist", { id: listId });
    var needs = el("input", { type: "text", list: listId, autocomplete: "off", placeholder: _("e.g. negotiation, feedback") });
    function suggest() {  // suggestions complete the last comma-separated topic
      var parts = needs.value.split(","), done = parts.slice(0, -1).map(function (s) { return s.trim(); }).filter(Boolean);
      var prefix = done.length ? done.join(", ") + ", " : "";
      datalist.textContent = "";
      d.topics.forEach(function (t) {
        if (done.map(norm).indexOf(norm(t.label)) < 0) datalist.appendChild(el("option", { value: prefix + t.label }));
      });
    }
    needs.addEventListener("input", suggest);
    suggest();

    var langBoxes = data.langs.map(function (l) { var c = checkbox(d.languageName(l[0])); c.box.value = l[0]; return c; });
    var langSet = el("fieldset", { class: "kb-choices" }, [el("legend", { text: _("Languages I can use (any of them)") })]
      .concat(langBoxes.map(function (c) { return c.node; })));
    var here = "";
    try { here = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* no Intl */ }
    var zoneSel = select(timeZones(here).map(function (z) { return [z, z]; }));
    zoneSel.value = here || "UTC";
    var from = el("input", { type: "time", value: "09:00" }), to = el("input", { type: "time", value: "17:00" });
    var dayBoxes = days().map(function (day, i) { var c = checkbox(day, i < 5); c.box.value = String(i); return c; });
    var daySet = el("fieldset", { class: "kb-choices" }, [el("legend", { text: _("My working days") })]
      .concat(dayBoxes.map(function (c) { return c.node; })));
    var formatSel = select(sortedOptions(data.formats.map(function (f) { return f[0]; }),
      function (f) { return capital(d.formatWords(f)); }), _("Any format"));
    var countrySel = select(d.countries.map(function (c) { return [c[0], c[1]]; })
      .sort(function (a, b) { return a[1].localeCompare(b[1]); }), _("Not saying"));
    var orgListId = id("orgs");
    var myOrg = el("input", { type: "text", list: orgListId, autocomplete: "organization" });
    var outside = checkbox(_("Only mentors outside my organisation"), true);
    var full = checkbox(_("Include mentors who are full or not active"), false);
    var count = el("p", { class: "kb-count", role: "status", "aria-live": "polite" });
    var results = el("ol", { class: "kb-find-results" });
    var form = el("form", { class: "kb-find-form", "aria-label": _("Find a mentor") }, [
      field(_("Topics I need help with (comma-separated)"), needs), datalist, langSet,
      field(_("My time zone"), zoneSel),
      el("div", { class: "kb-hours" }, [field(_("My working hours from"), from), field(_("to"), to)]), daySet,
      field(_("Format I prefer"), formatSel),
      data.countries.length ? field(_("My country"), countrySel) : null,
      field(_("My organisation"), myOrg),
      el("datalist", { id: orgListId }, data.orgs.filter(Boolean).map(function (o) { return el("option", { value: o }); })),
      outside.node, full.node,
      el("button", { type: "submit", class: "md-button md-button--primary", text: _("Find mentors") })
    ]);

    var labels = Object.keys(byLabel).sort();
    function checked(boxes) { return boxes.filter(function (c) { return c.box.checked; }).map(function (c) { return c.box.value; }); }
    function save() {
      keep(FIND_KEYS, {
        find: "1", need: needs.value.trim(), speaks: checked(langBoxes).join(","), zone: zoneSel.value,
        hours: from.value + "-" + to.value, days: checked(dayBoxes).join("") || "none", prefer: formatSel.value,
        "from-country": countrySel.value, "my-org": myOrg.value.trim(), outside: outside.box.checked ? "1" : "0",
        full: full.box.checked ? "1" : ""
      });
    }
    function restore() {  // true when the address holds a submitted form
      var q = query();
      if (q.get("find") !== "1") return false;
      needs.value = (q.get("need") || "").slice(0, 500);
      var speaks = (q.get("speaks") || "").split(",");
      langBoxes.forEach(function (c) { c.box.checked = speaks.indexOf(c.box.value) >= 0; });
      choose(zoneSel, q.get("zone"));
      var hours = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(q.get("hours") || "");
      if (hours) { from.value = hours[1]; to.value = hours[2]; }
      var week = q.get("days");
      if (/^(?:[0-6]+|none)$/.test(week || "")) dayBoxes.forEach(function (c) { c.box.checked = week.indexOf(c.box.value) >= 0; });
      choose(formatSel, q.get("prefer"));
      choose(countrySel, q.get("from-country"));
      myOrg.value = (q.get("my-org") || "").slice(0, 200);
      outside.box.checked = q.get("outside") !== "0";
      full.box.checked = q.get("full") === "1";
      return true;
    }

    function run() {
      var terms = needs.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
      var wanted = [], unknown = [], fixed = [];
      terms.forEach(function (s) {
        var i = byLabel[norm(s)];
        if (i === undefined) {
          var near = closest(norm(s), labels);
          if (near !== null) { i = byLabel[near]; fixed.push(_("%(typed)s: showing %(topic)s", { typed: s, topic: d.topics[i].label })); }
        }
        if (i === undefined) unknown.push(s); else if (wanted.indexOf(i) < 0) wanted.push(i);
      });
      var langs = langBoxes.filter(function (c) { return c.box.checked; }).map(function (c) { return c.box.value; });
      var days = dayBoxes.filter(function (c) { return c.box.checked; }).map(function (c) { return +c.box.value; });
      var monday = new Date((data.week || "2026-01-05") + "T12:00:00Z");
      var mine = [];
      try { mine = utcRanges(days, minutes(from.value), minutes(to.value), tzOffset(zoneSel.value, monday)); } catch (err) { mine = []; }
      var ranked = rank(d, { topics: wanted, langs: langs, ranges: mine, format: formatSel.value, org: norm(myOrg.value),
        country: countrySel.value,
        outside: outside.box.checked, full: full.box.checked, askedTopics: terms.length > 0 });
      results.textContent = "";
      ranked.slice(0, PAGE).forEach(function (r) {
        results.appendChild(el("li", { class: "kb-result" }, [
          mentorHeading(r.m, "h3"),
          el("p", {}, [el("strong", { text: _("Score %(score)s of 100", { score: r.score }) }),
            el("span", { text: " · " + [r.m.title, r.m.org].filter(Boolean).join(", ") + " " }), statusBadge(r.m)]),
          el("p", { class: "kb-reasons", text: r.reasons.join("; ") || _("no particular match") })
        ]));
      });
      var quoted = and(unknown.map(function (u) { return _("“%(topic)s”", { topic: u }); }));
      var note = (fixed.length ? " " + fixed.join("; ") + "." : "") +
        (unknown.length ? " " + _("No mentor lists %(topics)s.", { topics: quoted }) : "");
      count.textContent = (ranked.length > PAGE
        ? ngettext("%(num)s mentor matches, best %(best)s shown.", "%(num)s mentors match, best %(best)s shown.",
          ranked.length, { best: PAGE })
        : ngettext("%(num)s mentor matches.", "%(num)s mentors match.", ranked.length)) + note;
    }
    form.addEventListener("submit", function (e) { e.preventDefault(); run(); save(); });
    root.appendChild(el("section", { class: "kb-dir-find", "aria-labelledby": "kb-find-h" }, [
      el("h2", { id: "kb-find-h", text: _("Find a mentor") }),
      el("p", { text: _("Say what you need; mentors are ranked by topic fit, recorded sessions, shared working hours, language, format and organisation, then by experience and their mentees' feedback.") }),
      form, count, results
    ]));
    if (restore()) run();
  }

  // Scores: the fit (points out of what the mentee asked for) with experience and performance,
  // weighed by kbgen.yml's matching shares, scaled to 100.
  function rank(d, q) {
    var out = [];
    d.mentors.forEach(function (m) {
      if (!q.full && m.status[0] !== "taking") return;
      if (q.langs.length && !q.langs.some(function (l) { return m.langs.indexOf(l) >= 0; })) return;
      var same = q.org && norm(m.org) === q.org;
      if (same && q.outside) return;
      var points = 0, max = 0, reasons = [];
      if (q.askedTopics) {
        var covered = q.topics.filter(function (t) { return m.expertise.indexOf(t) >= 0 || m.offers.indexOf(t) >= 0; });
        if (!covered.length) return;
        max += 50;
        points += 40 * covered.length / Math.max(q.topics.length, 1);
        reasons.push(and(covered.map(function (t) { return d.topics[t].label; })));
        var sessions = q.topics.filter(function (t) { return m.counts[t]; });
        var n = sessions.reduce(function (s, t) { return s + m.counts[t]; }, 0);
        points += Math.min(n, 5) * 2;
        if (sessions.length) {
          reasons.push(sessions.map(function (t, i) {
            var c = m.counts[t], topic = d.topics[t].label;
            return i ? _("%(num)s on %(topic)s", { num: c, topic: topic })
              : ngettext("%(num)s recorded session on %(topic)s", "%(num)s recorded sessions on %(topic)s", c, { topic: topic });
          }).join(", "));
        }
      }
      if (q.ranges.length) {
        max += 20;
        if (m.avail.length) {
          var hours = Math.round(overlap(m.avail, q.ranges) / 6) / 10;
          points += Math.min(hours, 10) * 2;
          reasons.push(hours ? _("%(hours)s h of shared working hours", { hours: hours }) : _("no shared working hours"));
        } else if (m.hours) {
          points += 5;
          reasons.push(_("about %(hours)s h a week, times to agree", { hours: m.hours }));
        }
      }
      if (q.langs.length) {
        // Speaking one of them counts 8 of 10; sessions recorded in one (evidence that the mentor
        // mentors in it, as kbgen match weighs it) the other 2.
        var spoken = q.langs.filter(function (l) { return m.langs.indexOf(l) >= 0; });
        var inThem = spoken.filter(function (l) { return m.recorded[l]; });
        var recordedIn = inThem.reduce(function (s, l) { return s + m.recorded[l]; }, 0);
        max += 10;
        points += 8 + (recordedIn ? 2 : 0);
        reasons.push(_("speaks %(languages)s", { languages: and(spoken.map(d.languageName)) }));
        if (recordedIn) {
          reasons.push(ngettext("%(num)s recorded session in %(languages)s", "%(num)s recorded sessions in %(languages)s",
            recordedIn, { languages: and(inThem.map(d.languageName)) }));
        }
      }
      if (q.format) {
        max += 10;
        if (m.formats.indexOf(q.format) >= 0) { points += 10; reasons.push(_("meets %(format)s", { format: d.formatWords(q.format) })); }
      }
      if (q.country && m.country) {
        reasons.push(m.country[0] === q.country ? _("same country") : _("another country: outside view"));
      }
      if (q.org) {
        max += 10;
        if (!same) { points += 10; reasons.push(_("another organisation")); } else reasons.push(_("your organisation"));
      }
      // What the mentor brings besides fit (kbgen's merit.py: years and sessions, mentees'
      // feedback as an aggregate), weighed by kbgen.yml's matching shares.
      var wt = d.data.wt || [1, 0, 0];
      if (wt[1] && m.meritWords[0]) reasons.push(m.meritWords[0]);
      if (wt[2] && m.meritWords[1]) reasons.push(m.meritWords[1]);
      if (m.status[0] !== "taking") reasons.push(m.status[1] || m.status[0]);
      var fit = max ? points / max : 0;
      out.push({ m: m, score: Math.round(100 * (wt[0] * fit + wt[1] * m.merit[0] + wt[2] * m.merit[1])),
        reasons: reasons });
    });
    return out.sort(function (a, b) {
      return b.score - a.score || b.m.total - a.m.total || a.m.name.localeCompare(b.m.name);
    });
  }

  function hideStatic() {
    var start = document.querySelector(".kb-dir-static"), end = document.querySelector(".kb-dir-static-end");
    if (!start || !end || start.parentNode !== end.parentNode) return;
    for (var n = start.nextElementSibling; n && n !== end; n = n.nextElementSibling) {
      n.hidden = true;
      n.classList.add("kb-hide");
      // The table of contents would point at hidden organisation headings.
      if (n.id) {
        document.querySelectorAll('.md-nav a[href="#' + CSS.escape(n.id) + '"]').forEach(function (a) {
          a.parentNode.classList.add("kb-hide");
        });
      }
    }
    // A table of contents left with no entry would show its title over nothing: hide it as Material's
    // "hide: [toc]" does (the sidebar hidden; in the mobile menu, no toc under the page's name).
    // Without the script the organisations stay listed, in the page and in the contents.
    document.querySelectorAll("nav.md-nav--secondary").forEach(function (nav) {
      if (nav.querySelector("li.md-nav__item:not(.kb-hide)")) return;
      var sidebar = nav.closest(".md-sidebar--secondary");
      if (sidebar) { sidebar.hidden = true; return; }
      nav.classList.add("kb-hide");
      var item = nav.parentNode, label = item && item.querySelector(':scope > label[for="__toc"]');
      if (label) label.parentNode.removeChild(label);
    });
  }

  function init() {
    var root = document.getElementById("kb-directory");
    if (!root || root.getAttribute("data-kb-ready")) return;
    root.setAttribute("data-kb-ready", "1");
    try { WORDS = JSON.parse(root.getAttribute("data-words") || "null") || WORDS; } catch (e) { /* English */ }
    var loaded = window.kbgenDirectory ? Promise.resolve(window.kbgenDirectory) : null;
    if (!loaded && location.protocol === "file:") {
      loaded = Promise.reject(new Error(_("this page is opened from disk; serve the site over HTTP or build it " +
        "with kbgen build --offline")));
    }
    if (!loaded) {
      var src = new URL(root.getAttribute("data-src") || "directory.json", location.href);
      loaded = fetch(src.href, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      });
    }
    loaded.then(function (data) {
      var d = decode(data);
      find(root, d);
      browse(root, d);
      root.hidden = false;
      hideStatic();
    }).catch(function (err) {
      root.appendChild(el("p", { class: "kb-dir-error", role: "status",
        text: _("The search and filters could not load (%(error)s); the full list is below.", { error: err.message }) }));
      root.hidden = false;
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
})();
