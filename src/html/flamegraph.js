/* flamegraph.js: the flame graph, its controls and the memory graph. */
(function () {
"use strict";

var M = Memattach, el = M.el;
var ROW = 18;		/* pixels per stack level */
var MIN_WIDTH = 0.4;	/* narrower frames are not drawn */
var MAX_FRAMES = 20000;	/* keeps the DOM light on huge trees */
var SVG = "http://www.w3.org/2000/svg";

var d = M.loadData();
var recs = d.records, nrec = recs.length / 4;
var box = document.getElementById("flamegraph");
var tooltip = new M.Tooltip(document.getElementById("tooltip"));
var resetButton = document.getElementById("reset-zoom");
var invertButton = document.getElementById("invert");
var hideImportsBox = document.getElementById("hide-imports");
var threadSelect = document.getElementById("thread");
var searchInput = document.getElementById("search");
var matchInfo = document.getElementById("match");

var state = {
	thread: -1,		/* index into d.threads, -1 = all */
	zoom: 0,		/* node drawn at full width */
	inverted: false,	/* root at the top (icicle) */
	hideImports: false,	/* without importlib's frames */
	query: "",
	matched: 0,		/* bytes under matching frames */
	frames: 0,		/* frames drawn by the last render */
};

/*
 * The tree drawn: the data's trie, or a copy of it without some
 * frames, whose children then hang from the nearest frame kept (and
 * merge with siblings of the same location).  Nodes are numbered
 * parents first in both.
 */
var tree;
var bytes, counts;	/* per tree node, for the selected thread(s) */
var matchLoc = null;	/* Uint8Array per location while searching */

function importFrame(loc) {
	return M.locFile(d, loc).indexOf("<frozen importlib") === 0;
}

function buildTree(hide) {
	var n = d.nodeCount, i, t = {
		parent: d.parent, loc: d.nodeLoc, n: n,
		recNode: new Int32Array(nrec),
	};

	if (hide) {
		var map = new Int32Array(n), parent = [-1], loc = [-1];
		var index = new Map();

		for (i = 1; i < n; i++) {
			var p = map[d.parent[i]], l = d.nodeLoc[i];

			if (l >= 0 && hide(l)) {
				map[i] = p;
				continue;
			}
			var key = p * (d.locCount + 1) + l + 1;
			var m = index.get(key);

			if (m === undefined) {
				m = parent.length;
				parent.push(p);
				loc.push(l);
				index.set(key, m);
			}
			map[i] = m;
		}
		t.parent = Int32Array.from(parent);
		t.loc = Int32Array.from(loc);
		t.n = parent.length;
		for (i = 0; i < nrec; i++)
			t.recNode[i] = map[recs[4 * i]];
	} else {
		for (i = 0; i < nrec; i++)
			t.recNode[i] = recs[4 * i];
	}
	/* Children of every node, as slices of one array (CSR). */
	var fill = new Int32Array(t.n);

	t.childStart = new Int32Array(t.n + 1);
	t.children = new Int32Array(Math.max(t.n - 1, 0));
	for (i = 1; i < t.n; i++)
		t.childStart[t.parent[i] + 1]++;
	for (i = 0; i < t.n; i++)
		t.childStart[i + 1] += t.childStart[i];
	for (i = 1; i < t.n; i++)
		t.children[t.childStart[t.parent[i]] +
			fill[t.parent[i]]++] = i;
	tree = t;
	bytes = new Float64Array(t.n);
	counts = new Float64Array(t.n);
}

function nodeFunction(n) {
	if (n === 0)
		return state.thread < 0 ? "All threads" :
			M.threadLabel(d, state.thread);
	return M.locFunction(d, tree.loc[n]);
}

function byBytesThenName(a, b) {
	return bytes[b] - bytes[a] ||
		(nodeFunction(a) < nodeFunction(b) ? -1 : 1);
}

function computeValues() {
	var i, n;

	var start = tree.childStart;

	bytes.fill(0);
	counts.fill(0);
	for (i = 0; i < nrec; i++) {
		if (state.thread >= 0 && recs[4 * i + 1] !== state.thread)
			continue;
		bytes[tree.recNode[i]] += recs[4 * i + 2];
		counts[tree.recNode[i]] += recs[4 * i + 3];
	}
	/* Children come after their parents: one backward pass sums
	 * every subtree. */
	for (n = tree.n - 1; n > 0; n--) {
		bytes[tree.parent[n]] += bytes[n];
		counts[tree.parent[n]] += counts[n];
	}
	/* Biggest first, so the eye finds the heavy paths at the left. */
	for (n = 0; n < tree.n; n++)
		if (start[n + 1] - start[n] > 1)
			tree.children.subarray(start[n], start[n + 1])
				.sort(byBytesThenName);
}

/* Memray-like warm colours for Python frames, cool for native. */
var colorCache = new Map();

function frameColor(n) {
	var loc = tree.loc[n];
	var key = loc < 0 ? "" : d.strings[d.locs[4 * loc]];
	var native = M.locNative(d, loc);
	var h = 0, i, c;

	c = colorCache.get(native + key);
	if (c)
		return c;
	for (i = 0; i < key.length; i++)
		h = Math.imul(h ^ key.charCodeAt(i), 16777619) >>> 0;
	h = Math.imul(h ^ (h >>> 15), 2246822519) >>> 0;
	if (native)
		c = "hsl(" + (190 + h % 30) + ",55%," +
			(68 + (h >>> 8) % 12) + "%)";
	else
		c = "hsl(" + (8 + h % 42) + "," +
			(78 + (h >>> 6) % 15) + "%," +
			(58 + (h >>> 10) % 12) + "%)";
	colorCache.set(native + key, c);
	return c;
}

function isMatch(n) {
	var loc = tree.loc[n];

	return matchLoc !== null && n !== 0 && loc >= 0 && matchLoc[loc];
}

function render() {
	var W = box.clientWidth, total = bytes[state.zoom];
	var frames = [], path = [], queue, head = 0, maxDepth = 0;
	var frag = document.createDocumentFragment();
	var i, n;

	box.textContent = "";
	box.classList.toggle("searching", matchLoc !== null);
	if (!total) {
		box.style.height = "";
		box.appendChild(el("div", {class: "empty", text:
			"No memory is live in this view" +
			(state.thread >= 0 ? " for this thread." : ".")}));
		state.frames = 0;
		return;
	}
	/* The zoomed frame's callers stay visible, at full width. */
	for (n = state.zoom; n > 0; n = tree.parent[n])
		path.push(n);
	path.push(0);
	path.reverse();
	for (i = 0; i + 1 < path.length; i++)
		frames.push(path[i], 0, W, i, 1);
	/* Breadth first, so that if MAX_FRAMES cuts, it cuts the
	 * deepest frames. */
	queue = [state.zoom, 0, path.length - 1];
	while (head < queue.length && frames.length < 5 * MAX_FRAMES) {
		var node = queue[head], x = queue[head + 1];
		var depth = queue[head + 2], w = bytes[node] / total * W;

		head += 3;
		frames.push(node, x, w, depth, 0);
		if (depth > maxDepth)
			maxDepth = depth;
		for (i = tree.childStart[node];
		     i < tree.childStart[node + 1]; i++) {
			var c = tree.children[i], cw = bytes[c] / total * W;

			if (cw >= MIN_WIDTH)
				queue.push(c, x, depth + 1);
			x += cw;
		}
	}
	for (i = 0; i < frames.length; i += 5) {
		n = frames[i];
		var fx = frames[i + 1], fw = frames[i + 2];
		var level = frames[i + 3], top = state.inverted ? level * ROW :
			(maxDepth - level) * ROW;
		var f = document.createElement("div");
		var cls = "frame", loc = tree.loc[n];

		var plain = n === 0 || M.locSynthetic(d, loc);

		if (n === 0)
			cls += " root";
		else if (plain)
			cls += " unknown";
		if (frames[i + 4])
			cls += " ancestor";
		if (fw < 22)
			cls += " narrow";
		if (isMatch(n))
			cls += " match";
		f.className = cls;
		f.style.cssText = "left:" + fx + "px;width:" + fw +
			"px;top:" + top + "px" + (plain ? "" :
			";background:" + frameColor(n));
		f.dataset.node = n;
		f.dataset.name = nodeFunction(n);
		if (fw >= 22) {
			f.textContent = nodeFunction(n);
			if (fw > 140) {
				/* The file's last component: the
				 * tooltip has the whole path. */
				var where = n === 0 ?
					M.formatBytes(bytes[0]) :
					M.locWhere(d, loc)
						.replace(/^.*\//, "");

				if (where)
					f.appendChild(el("span",
						{class: "where"},
						" " + where));
			}
		}
		frag.appendChild(f);
	}
	box.style.height = (maxDepth + 1) * ROW + "px";
	box.appendChild(frag);
	state.frames = frames.length / 5;
}

/* ---- zoom ---------------------------------------------------------- */

function zoomTo(n) {
	state.zoom = n;
	resetButton.disabled = n === 0;
	render();
	updateMatchInfo();
}

box.addEventListener("click", function (ev) {
	var f = ev.target.closest(".frame");

	if (f)
		zoomTo(+f.dataset.node);
});

resetButton.addEventListener("click", function () {
	zoomTo(0);
});

document.addEventListener("keydown", function (ev) {
	if (ev.key === "Escape" && ev.target !== searchInput)
		zoomTo(0);
});

invertButton.addEventListener("click", function () {
	state.inverted = !state.inverted;
	invertButton.setAttribute("aria-pressed", String(state.inverted));
	render();
});

hideImportsBox.addEventListener("change", function () {
	state.hideImports = hideImportsBox.checked;
	buildTree(state.hideImports ? importFrame : null);
	computeValues();
	zoomTo(0);
});

/* ---- tooltips ------------------------------------------------------ */

function tooltipContent(n) {
	var loc = tree.loc[n], whole = bytes[0];
	var rows = el("table", null);
	var head = el("div", {class: "fn"}, nodeFunction(n));

	function row(label, value) {
		rows.appendChild(el("tr", null, el("td", {text: label}),
			el("td", {text: value})));
	}

	if (M.locNative(d, loc))
		head.appendChild(el("span", {class: "tag", text: "native"}));
	row("Memory", M.formatBytes(bytes[n]) + "  (" +
		M.formatCount(bytes[n]) + " bytes)");
	row("Share", M.formatPercent(bytes[n], whole) + " of " +
		(state.thread < 0 ? "all threads" : "this thread"));
	if (state.zoom !== 0 && n !== state.zoom && bytes[state.zoom])
		row("", M.formatPercent(bytes[n], bytes[state.zoom]) +
			" of the zoomed frame");
	var own = bytes[n], i;

	for (i = tree.childStart[n]; i < tree.childStart[n + 1]; i++)
		own -= bytes[tree.children[i]];
	/* What the frame allocated itself, not through its callees. */
	if (own !== bytes[n] && own > 0)
		row("Own memory", M.formatBytes(own));
	row("Allocations", M.formatCount(counts[n]));
	return el("div", null, head,
		n === 0 ? el("div", {class: "where", text: M.viewText(d)}) :
		loc >= 0 ? el("div", {class: "where",
			text: M.locWhere(d, loc)}) : null,
		rows);
}

box.addEventListener("mousemove", function (ev) {
	var f = ev.target.closest(".frame");

	if (f)
		tooltip.show(tooltipContent(+f.dataset.node), ev.clientX,
			ev.clientY);
	else
		tooltip.hide();
});
box.addEventListener("mouseleave", function () {
	tooltip.hide();
});

/* ---- search -------------------------------------------------------- */

/* Bytes under matching frames in the zoomed subtree, each counted
 * once even when a match calls another match. */
function matchedBytes() {
	var stack = [state.zoom], sum = 0, n, i;

	while (stack.length) {
		n = stack.pop();
		if (isMatch(n)) {
			sum += bytes[n];
			continue;
		}
		for (i = tree.childStart[n]; i < tree.childStart[n + 1];
		     i++)
			stack.push(tree.children[i]);
	}
	return sum;
}

function updateMatchInfo() {
	if (matchLoc === null) {
		matchInfo.textContent = "";
		return;
	}
	state.matched = matchedBytes();
	matchInfo.textContent = "Matched " +
		M.formatPercent(state.matched, bytes[state.zoom]) + " (" +
		M.formatBytes(state.matched) + ")";
}

function search() {
	var q = searchInput.value.trim().toLowerCase(), loc;

	state.query = q;
	if (!q) {
		matchLoc = null;
	} else {
		matchLoc = new Uint8Array(d.locCount);
		for (loc = 0; loc < d.locCount; loc++)
			matchLoc[loc] = (M.locFunction(d, loc) + "\n" +
				M.locWhere(d, loc)).toLowerCase()
				.indexOf(q) >= 0 ? 1 : 0;
	}
	render();
	updateMatchInfo();
}

searchInput.addEventListener("input", M.throttle(search));

/* ---- threads ------------------------------------------------------- */

function fillThreads() {
	var perThread = new Float64Array(d.threadCount), all = 0;
	var order = [], i;

	for (i = 0; i < nrec; i++) {
		perThread[recs[4 * i + 1]] += recs[4 * i + 2];
		all += recs[4 * i + 2];
	}
	threadSelect.appendChild(el("option", {value: "-1",
		text: "All threads \u2014 " + M.formatBytes(all)}));
	for (i = 0; i < d.threadCount; i++)
		order.push(i);
	order.sort(function (a, b) {
		return perThread[b] - perThread[a] ||
			M.threadTid(d, a) - M.threadTid(d, b);
	});
	order.forEach(function (t) {
		threadSelect.appendChild(el("option", {value: String(t),
			text: M.threadLabel(d, t) + " \u2014 " +
				M.formatBytes(perThread[t])}));
	});
}

threadSelect.addEventListener("change", function () {
	state.thread = +threadSelect.value;
	computeValues();
	if (!bytes[state.zoom])
		state.zoom = 0;
	zoomTo(state.zoom);
});

/* ---- memory over time ---------------------------------------------- */

function svg(tag, attrs) {
	var e = document.createElementNS(SVG, tag), k;

	for (k in attrs)
		e.setAttribute(k, attrs[k]);
	return e;
}

/* A round step (1, 2 or 5 times a power of ten) for about n ticks. */
function niceStep(range, n) {
	var raw = range / n, p = Math.pow(10, Math.floor(Math.log10(raw)));
	var m = raw / p;

	return p * (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10);
}

function drawMemory() {
	var host = document.getElementById("memory-graph");
	var p = d.points, n = p.length / 3, i;

	host.textContent = "";
	if (n < 2) {
		host.appendChild(el("div", {class: "empty", text:
			"Too few memory samples for a graph " +
			"(the capture was very short)."}));
		return;
	}
	var W = host.clientWidth - 12, H = host.clientHeight - 4;
	var ml = 70, mr = 12, mt = 10, mb = 22;

	/* Hidden or squeezed to nothing (printing, a tiny window). */
	if (W < ml + mr + 20 || H < mt + mb + 20)
		return;
	var tmax = Math.max(d.meta.duration_ms, p[3 * (n - 1)], 1);
	var hasRss = false, ymax = d.meta.peak_bytes;

	for (i = 0; i < n; i++) {
		if (p[3 * i + 1]) {
			hasRss = true;
			ymax = Math.max(ymax, p[3 * i + 1]);
		}
		ymax = Math.max(ymax, p[3 * i + 2]);
	}
	ymax = ymax || 1;
	var ystep = niceStep(ymax, 4);
	ymax = Math.ceil(ymax / ystep) * ystep;
	var tstep = niceStep(tmax, Math.max(2, Math.floor(W / 110)));

	function X(t) {
		return ml + t / tmax * (W - ml - mr);
	}

	function Y(v) {
		return mt + (1 - v / ymax) * (H - mt - mb);
	}

	var s = svg("svg", {viewBox: "0 0 " + W + " " + H,
		preserveAspectRatio: "none", role: "img",
		"aria-label": "Memory over time"});
	var axis = svg("g", {class: "axis"}), v, t;

	for (v = 0; v <= ymax + ystep / 2; v += ystep) {
		s.appendChild(svg("line", {class: "grid", x1: ml, x2: W - mr,
			y1: Y(v), y2: Y(v)}));
		var yl = svg("text", {x: ml - 6, y: Y(v) + 4,
			"text-anchor": "end"});

		yl.textContent = M.formatBytes(v);
		axis.appendChild(yl);
	}
	for (t = 0; t <= tmax + tstep / 100; t += tstep) {
		var xl = svg("text", {x: X(t), y: H - 6,
			"text-anchor": t === 0 ? "start" :
				X(t) > W - mr - 30 ? "end" : "middle"});

		xl.textContent = M.formatDuration(t);
		axis.appendChild(xl);
	}
	s.appendChild(axis);

	var area = "M" + X(p[0]) + "," + Y(0), line = "", rss = "";

	for (i = 0; i < n; i++) {
		var x = X(p[3 * i]).toFixed(1);

		area += "L" + x + "," + Y(p[3 * i + 2]).toFixed(1);
		line += (i ? "L" : "M") + x + "," +
			Y(p[3 * i + 2]).toFixed(1);
		rss += (i ? "L" : "M") + x + "," +
			Y(p[3 * i + 1]).toFixed(1);
	}
	area += "L" + X(p[3 * (n - 1)]) + "," + Y(0) + "Z";
	s.appendChild(svg("path", {class: "heap-area", d: area}));
	s.appendChild(svg("path", {class: "heap", d: line}));
	if (hasRss)
		s.appendChild(svg("path", {class: "rss", d: rss}));

	var px = X(d.meta.peak_time_ms);
	s.appendChild(svg("line", {class: "peak", x1: px, x2: px, y1: mt,
		y2: H - mb}));
	var pl = svg("text", {class: "peak-label", y: mt + 10,
		x: px + (px > W - 160 ? -6 : 6),
		"text-anchor": px > W - 160 ? "end" : "start"});
	pl.textContent = "peak " + M.formatBytes(d.meta.peak_bytes);
	s.appendChild(pl);

	var cursor = svg("line", {class: "cursor", y1: mt, y2: H - mb,
		visibility: "hidden"});
	s.appendChild(cursor);
	var hit = svg("rect", {x: ml, y: mt, width: W - ml - mr,
		height: H - mt - mb, fill: "transparent"});
	s.appendChild(hit);
	host.appendChild(s);

	hit.addEventListener("mousemove", function (ev) {
		var r = s.getBoundingClientRect();
		var tt = ((ev.clientX - r.left) * W / r.width - ml) /
			(W - ml - mr) * tmax;
		var lo = 0, hi = n - 1, k;

		while (lo < hi) {
			var mid = (lo + hi) >> 1;

			if (p[3 * mid] < tt)
				lo = mid + 1;
			else
				hi = mid;
		}
		k = lo > 0 && tt - p[3 * (lo - 1)] < p[3 * lo] - tt ?
			lo - 1 : lo;
		cursor.setAttribute("x1", X(p[3 * k]));
		cursor.setAttribute("x2", X(p[3 * k]));
		cursor.setAttribute("visibility", "visible");
		var rows = el("table", null,
			el("tr", null, el("td", {text: "Tracked heap"}),
				el("td", {text: M.formatBytes(p[3 * k + 2])})),
			hasRss ? el("tr", null, el("td", {text: "RSS"}),
				el("td", {text: M.formatBytes(p[3 * k + 1])})) :
				null);
		tooltip.show(el("div", null, el("div", {class: "fn",
			text: "At " + M.formatDuration(p[3 * k])}), rows),
			ev.clientX, ev.clientY);
	});
	hit.addEventListener("mouseleave", function () {
		cursor.setAttribute("visibility", "hidden");
		tooltip.hide();
	});
}

/* ---- start --------------------------------------------------------- */

M.renderHeader(d);
document.getElementById("view-text").textContent = M.viewText(d);
fillThreads();
buildTree(null);
computeValues();
drawMemory();
render();
if (searchInput.value)
	search();
window.addEventListener("resize", M.throttle(function () {
	drawMemory();
	render();
}));
/* Read-only handle for tests and for the curious in the console. */
window.memattachFlamegraph = {
	state: state,
	data: d,
	bytes: function (n) {
		return bytes[n];
	},
};
})();
