/* table.js: the allocation table: sort keys, filter, virtual scrolling. */
(function () {
"use strict";

var M = Memattach, el = M.el;
var ROW = 27;		/* row height in pixels: td height + border */
var OVERSCAN = 12;	/* rows drawn beyond each edge of the view */
var t0 = performance.now();

var d = M.loadData();
var recs = d.records, n = recs.length / 5, i;
var scroller = document.getElementById("scroller");
var tbody = document.getElementById("rows");
var filterInput = document.getElementById("filter");
var status = document.getElementById("status");
var headers = document.querySelectorAll("#table th");
var stackPanel = document.getElementById("stack-panel");

/* Columns of the rows, unpacked once. */
var rowNode = new Int32Array(n), rowThread = new Int32Array(n);
var rowKind = new Int32Array(n), rowLoc = new Int32Array(n);
var rowBytes = new Float64Array(n), rowCount = new Float64Array(n);
var totalBytes = 0, maxBytes = 0;

for (i = 0; i < n; i++) {
	rowNode[i] = recs[5 * i];
	rowThread[i] = recs[5 * i + 1];
	rowKind[i] = recs[5 * i + 2];
	rowBytes[i] = recs[5 * i + 3];
	rowCount[i] = recs[5 * i + 4];
	/* The row's location is its allocating (innermost) frame. */
	rowLoc[i] = d.nodeLoc[rowNode[i]];
	totalBytes += rowBytes[i];
	if (rowBytes[i] > maxBytes)
		maxBytes = rowBytes[i];
}
d.records = recs = null;	/* free the parsed array */

function kindName(k) {
	return d.kinds[k] || "kind " + k;
}

function locText(loc) {
	return M.locFunction(d, loc) + " " + M.locWhere(d, loc);
}

/*
 * Sort keys, precomputed so that every comparison is a subtraction:
 * text columns sort by the rank of their text among the distinct
 * values (few locations, allocators and threads; many rows).
 */
function ranks(count, text) {
	var idx = [], r = new Float64Array(count), j;

	for (j = 0; j < count; j++)
		idx.push(j);
	var keys = idx.map(function (j2) {
		return text(j2).toLowerCase();
	});
	idx.sort(function (a, b) {
		return keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0;
	});
	for (j = 0; j < count; j++)
		r[idx[j]] = j;
	return r;
}

/* Location -1 (no stack) gets the last slot. */
var locRank = ranks(d.locCount + 1, function (l) {
	return l === d.locCount ? "\uffff" : locText(l);
});
var kindRank = ranks(d.kinds.length, kindName);
var keys = {
	thread: new Float64Array(n),
	size: rowBytes,
	count: rowCount,
	allocator: new Float64Array(n),
	location: new Float64Array(n),
};

for (i = 0; i < n; i++) {
	keys.thread[i] = M.threadTid(d, rowThread[i]);
	keys.allocator[i] = kindRank[rowKind[i]];
	keys.location[i] = locRank[rowLoc[i] < 0 ? d.locCount :
		rowLoc[i]];
}

var state = {
	column: "size",
	direction: -1,		/* 1 ascending, -1 descending */
	filter: "",
	selected: -1,		/* row index shown in the stack panel */
	order: new Uint32Array(n),	/* all rows, sorted */
	visible: new Uint32Array(n),	/* sorted rows passing the filter */
	nvisible: n,
	visibleBytes: totalBytes,
	loadMs: 0,
	sortMs: 0,
	filterMs: 0,
};

for (i = 0; i < n; i++)
	state.order[i] = i;

function sortRows() {
	var t = performance.now(), key = keys[state.column];
	var dir = state.direction;

	/* Ties: the bigger row first, then the data's order, so that
	 * the result is stable whatever the engine's sort does. */
	state.order.sort(function (a, b) {
		return (key[a] - key[b]) * dir || rowBytes[b] - rowBytes[a] ||
			a - b;
	});
	headers.forEach(function (h) {
		if (h.dataset.col === state.column)
			h.setAttribute("aria-sort", dir > 0 ? "ascending" :
				"descending");
		else
			h.removeAttribute("aria-sort");
	});
	state.sortMs = performance.now() - t;
}

/*
 * A row passes when every word of the filter is found in one of its
 * cells' text.  Matching is decided per distinct location, thread and
 * allocator, then looked up per row.
 */
function applyFilter() {
	var t = performance.now();
	var words = state.filter.toLowerCase().split(/\s+/)
		.filter(function (w) {
			return w.length > 0;
		});
	var tests = words.map(function (w) {
		var loc = new Uint8Array(d.locCount + 1);
		var thr = new Uint8Array(d.threadCount);
		var kind = new Uint8Array(d.kinds.length), j;

		for (j = 0; j <= d.locCount; j++)
			loc[j] = (j === d.locCount ? M.locFunction(d, -1) :
				locText(j)).toLowerCase().indexOf(w) >= 0;
		for (j = 0; j < d.threadCount; j++)
			thr[j] = (M.threadTid(d, j) + " " +
				M.threadName(d, j)).toLowerCase()
				.indexOf(w) >= 0;
		for (j = 0; j < d.kinds.length; j++)
			kind[j] = kindName(j).toLowerCase().indexOf(w) >= 0;
		return {loc: loc, thr: thr, kind: kind};
	});
	var k = 0, bytesShown = 0, j, r, w2;

	for (j = 0; j < n; j++) {
		r = state.order[j];
		for (w2 = 0; w2 < tests.length; w2++) {
			var tw = tests[w2];

			if (!tw.loc[rowLoc[r] < 0 ? d.locCount : rowLoc[r]] &&
			    !tw.thr[rowThread[r]] && !tw.kind[rowKind[r]])
				break;
		}
		if (w2 === tests.length) {
			state.visible[k++] = r;
			bytesShown += rowBytes[r];
		}
	}
	state.nvisible = k;
	state.visibleBytes = bytesShown;
	status.textContent = (k === n ? "" : "Showing " +
		M.formatCount(k) + " of ") + M.formatCount(n) +
		" rows \u00b7 " + M.formatBytes(bytesShown) +
		(k === n ? "" : " of " + M.formatBytes(totalBytes));
	document.getElementById("table").dataset.rows = k;
	state.filterMs = performance.now() - t;
}

function threadCell(t) {
	var name = M.threadName(d, t);

	return el("td", {class: "thread"}, String(M.threadTid(d, t)),
		name ? el("span", {class: "tname", text: name}) : null);
}

function locationCell(loc) {
	var td = el("td", {class: "location"},
		el("span", {class: "fn", text: M.locFunction(d, loc)}));
	var where = M.locWhere(d, loc);

	if (M.locNative(d, loc))
		td.appendChild(el("span", {class: "tag", text: "native"}));
	if (where)
		td.appendChild(el("span", {class: "where", text: where}));
	td.title = M.locFunction(d, loc) + (where ? "  " + where : "");
	return td;
}

function rowElement(r) {
	var size = el("td", {class: "num size",
		"data-bytes": String(rowBytes[r]),
		title: M.formatCount(rowBytes[r]) + " bytes"},
		M.formatBytes(rowBytes[r]));

	size.style.backgroundSize = (maxBytes ? 100 * rowBytes[r] /
		maxBytes : 0).toFixed(2) + "% 3px";
	return el("tr", {class: "row" + (r === state.selected ?
		" selected" : ""), "data-row": String(r)},
		threadCell(rowThread[r]), size,
		el("td", {class: "num", text: M.formatCount(rowCount[r])}),
		el("td", {text: kindName(rowKind[r])}),
		locationCell(rowLoc[r]));
}

function spacer(height) {
	var td = el("td", {colspan: "5"});

	td.style.height = height + "px";
	return el("tr", {class: "spacer", "aria-hidden": "true"}, td);
}

/* Draw only the rows in (or near) the scroller's view. */
function draw() {
	var head = document.querySelector("#table thead").offsetHeight;
	var top = Math.max(0, scroller.scrollTop);
	/* Before the first rows exist the scroller is only as tall as
	 * its header; it can grow to the window's height at most. */
	var height = Math.max(scroller.clientHeight,
		window.innerHeight) - head;
	var first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
	var last = Math.min(state.nvisible,
		Math.ceil((top + height) / ROW) + OVERSCAN);
	var frag = document.createDocumentFragment(), j;

	if (state.nvisible === 0) {
		tbody.textContent = "";
		tbody.appendChild(el("tr", {class: "empty"}, el("td",
			{colspan: "5", text: n ? "No rows match the filter." :
				"No memory is live in this view."})));
		return;
	}
	frag.appendChild(spacer(first * ROW));
	for (j = first; j < last; j++)
		frag.appendChild(rowElement(state.visible[j]));
	frag.appendChild(spacer((state.nvisible - last) * ROW));
	tbody.textContent = "";
	tbody.appendChild(frag);
}

function showStack(r) {
	var list = document.getElementById("stack"), node;

	state.selected = r;
	list.textContent = "";
	for (node = rowNode[r]; node > 0; node = d.parent[node]) {
		var loc = d.nodeLoc[node], li = el("li", null,
			el("span", {class: "fn", text: M.locFunction(d, loc)}));

		if (M.locNative(d, loc))
			li.appendChild(el("span", {class: "tag",
				text: "native"}));
		if (loc >= 0)
			li.appendChild(el("span", {class: "where",
				text: M.locWhere(d, loc)}));
		list.appendChild(li);
	}
	stackPanel.hidden = false;
	/* Below a tall table the panel may be out of sight. */
	stackPanel.scrollIntoView({block: "nearest"});
	draw();
}

headers.forEach(function (h) {
	h.addEventListener("click", function () {
		var col = h.dataset.col;

		if (col === state.column)
			state.direction = -state.direction;
		else {
			state.column = col;
			/* Numbers read best biggest first, text A to Z. */
			state.direction = col === "size" ||
				col === "count" ? -1 : 1;
		}
		sortRows();
		applyFilter();
		draw();
	});
});

var refilter = M.throttle(function () {
	state.filter = filterInput.value.trim();
	applyFilter();
	scroller.scrollTop = 0;
	draw();
});

filterInput.addEventListener("input", refilter);
scroller.addEventListener("scroll", M.throttle(draw));
window.addEventListener("resize", M.throttle(draw));
tbody.addEventListener("click", function (ev) {
	var tr = ev.target.closest("tr.row");

	if (tr)
		showStack(+tr.dataset.row);
});

M.renderHeader(d);
document.getElementById("view-text").textContent = M.viewText(d);
sortRows();
applyFilter();
draw();
state.loadMs = performance.now() - t0;
/* Read-only handle for tests and for the curious in the console. */
window.memattachTable = {state: state, keys: keys, rows: n};
})();
