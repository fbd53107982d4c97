/* common.js: data loading, formatting and page furniture of both reports. */
"use strict";

var Memattach = (function () {
/* Build an element: el("td", {class: "x"}, "text", child, ...). */
function el(tag, attrs) {
	var e = document.createElement(tag);
	var k, i, c;

	for (k in attrs || {}) {
		if (k === "class")
			e.className = attrs[k];
		else if (k === "text")
			e.textContent = attrs[k];
		else
			e.setAttribute(k, attrs[k]);
	}
	for (i = 2; i < arguments.length; i++) {
		c = arguments[i];
		if (c === null || c === undefined)
			continue;
		e.appendChild(typeof c === "string" ?
			document.createTextNode(c) : c);
	}
	return e;
}

var UNITS = ["KB", "MB", "GB", "TB", "PB", "EB"];

/* Decimal units with two decimals, as the terminal reports (and
 * Memray) print them: "512 B", "100.00 KB", "1.23 MB". */
function formatBytes(n) {
	var u = 0;

	if (n < 1000)
		return Math.round(n) + " B";
	n /= 1000;
	while (n >= 999.995 && u < UNITS.length - 1) {
		n /= 1000;
		u++;
	}
	return n.toFixed(2) + " " + UNITS[u];
}

function formatCount(n) {
	return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g,
		",");
}

function formatPercent(part, whole) {
	if (!whole)
		return "0%";
	var p = 100 * part / whole;

	return (p >= 99.95 || p === 0 ? p.toFixed(0) :
		p < 0.1 ? "<0.1" : p.toFixed(1)) + "%";
}

function formatDuration(ms) {
	if (ms < 1000)
		return Math.round(ms) + " ms";
	if (ms < 60000)
		return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + " s";
	var m = Math.floor(ms / 60000);

	return m + " min " + Math.round((ms - m * 60000) / 1000) + " s";
}

/*
 * The embedded data, with accessors over its flat arrays.  See
 * src/html_data.h for the layout.
 */
function loadData() {
	var node = document.getElementById("memattach-data");
	var d = JSON.parse(node.textContent);
	var n = d.nodes.length / 2, i;

	/* Drop the text from the DOM: it can be megabytes. */
	node.textContent = "";
	d.nodeCount = n;
	d.parent = new Int32Array(n);
	d.nodeLoc = new Int32Array(n);
	d.depth = new Int32Array(n);
	for (i = 0; i < n; i++) {
		d.parent[i] = d.nodes[2 * i];
		d.nodeLoc[i] = d.nodes[2 * i + 1];
		/* Parents come first, so their depth is known. */
		d.depth[i] = i === 0 ? 0 : d.depth[d.parent[i]] + 1;
	}
	d.locCount = d.locs.length / 4;
	d.threadCount = d.threads.length / 2;
	return d;
}

/* Location accessors; loc -1 is "no stack recorded". */
function locFunction(d, loc) {
	return loc < 0 ? "[no stack recorded]" : d.strings[d.locs[4 * loc]];
}

function locFile(d, loc) {
	return loc < 0 ? "" : d.strings[d.locs[4 * loc + 1]];
}

function locLine(d, loc) {
	return loc < 0 ? 0 : d.locs[4 * loc + 2];
}

function locNative(d, loc) {
	return loc >= 0 && d.locs[4 * loc + 3] === 1;
}

/* A placeholder frame such as "[no Python frame]", not code. */
function locSynthetic(d, loc) {
	return loc < 0 || (locFile(d, loc) === "" &&
		locFunction(d, loc).charAt(0) === "[");
}

/* "file.py:12", or the bare file for native frames without a line. */
function locWhere(d, loc) {
	var file = locFile(d, loc), line = locLine(d, loc);

	if (loc < 0)
		return "";
	return line ? file + ":" + line : file;
}

function threadTid(d, t) {
	return d.threads[2 * t];
}

function threadName(d, t) {
	var s = d.threads[2 * t + 1];

	return s < 0 ? "" : d.strings[s];
}

function threadLabel(d, t) {
	var name = threadName(d, t);

	return "Thread " + threadTid(d, t) + (name ? " (" + name + ")" :
		"");
}

function viewText(d) {
	var m = d.meta;

	if (m.view === "leaks")
		return "Memory still live at the end of the capture (" +
			formatBytes(m.end_bytes) + ")";
	return "Memory live when the tracked heap peaked (" +
		formatBytes(m.peak_bytes) + " at " +
		formatDuration(m.peak_time_ms) + ")";
}

function fact(label, value, note) {
	return el("div", {class: "fact"},
		el("div", {class: "label", text: label}),
		el("div", {class: "value", text: value}),
		note ? el("div", {class: "note", text: note}) : null);
}

/* The top bar's subtitle, the damage warning and the fact cards. */
function renderHeader(d) {
	var m = d.meta, sub = document.getElementById("subtitle");
	var facts = document.getElementById("facts");
	var parts = [];

	if (m.argv)
		parts.push(el("code", {text: m.argv}));
	if (m.pid)
		parts.push("pid " + m.pid);
	if (m.python_version)
		parts.push("Python " + m.python_version.split(" ")[0]);
	parts.push(m.capture);
	parts.forEach(function (p, i) {
		if (i)
			sub.appendChild(document.createTextNode(" \u00b7 "));
		sub.appendChild(typeof p === "string" ?
			document.createTextNode(p) : p);
	});
	sub.title = sub.textContent;
	/* Tabs of several reports stay told apart. */
	document.title += " \u2014 " + m.capture;

	if (m.damage || m.lost) {
		var w = el("div", {class: "warning", id: "damage"});

		w.textContent = (m.damage ? "The capture is damaged (" +
			m.damage + "): this report covers the part " +
			"that could be read. " : "") + (m.lost ?
			formatCount(m.lost) + " events could not be " +
			"recorded by the payload." : "");
		facts.parentNode.insertBefore(w, facts);
	}

	facts.appendChild(fact(m.view === "leaks" ? "Live at end" :
		"Live at peak", formatBytes(m.view_bytes),
		formatCount(m.view_count) + " allocations"));
	facts.appendChild(fact("Peak heap", formatBytes(m.peak_bytes),
		"at " + formatDuration(m.peak_time_ms)));
	facts.appendChild(fact("Heap at end", formatBytes(m.end_bytes)));
	facts.appendChild(fact("Allocated in total",
		formatBytes(m.total_bytes),
		formatCount(m.total_count) + " allocations"));
	facts.appendChild(fact("Duration", formatDuration(m.duration_ms),
		formatCount(m.events) + " events"));
	facts.appendChild(fact("Threads", formatCount(d.threadCount),
		m.thread_filter.length ? "filtered: " +
		m.thread_filter.join(", ") : "all recorded"));
}

/* One floating tooltip per page, placed near the pointer. */
function Tooltip(node) {
	this.node = node;
}

Tooltip.prototype.show = function (content, x, y) {
	var n = this.node, w, h;

	n.textContent = "";
	n.appendChild(content);
	n.hidden = false;
	w = n.offsetWidth;
	h = n.offsetHeight;
	x = x + 14 + w > window.innerWidth ? x - w - 14 : x + 14;
	y = y + 16 + h > window.innerHeight ? y - h - 12 : y + 16;
	n.style.left = Math.max(4, x) + "px";
	n.style.top = Math.max(4, y) + "px";
};

Tooltip.prototype.hide = function () {
	this.node.hidden = true;
};

/* Run fn at most once per animation frame. */
function throttle(fn) {
	var queued = false;

	return function () {
		if (queued)
			return;
		queued = true;
		requestAnimationFrame(function () {
			queued = false;
			fn();
		});
	};
}

return {
	el: el,
	formatBytes: formatBytes,
	formatCount: formatCount,
	formatPercent: formatPercent,
	formatDuration: formatDuration,
	loadData: loadData,
	locFunction: locFunction,
	locFile: locFile,
	locLine: locLine,
	locNative: locNative,
	locWhere: locWhere,
	locSynthetic: locSynthetic,
	threadTid: threadTid,
	threadName: threadName,
	threadLabel: threadLabel,
	viewText: viewText,
	renderHeader: renderHeader,
	Tooltip: Tooltip,
	throttle: throttle,
};
})();
