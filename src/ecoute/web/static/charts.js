/* ecoute charts: read the JSON the page embeds, draw with the vendored ECharts.
   Every chart is a <div class="chart" data-chart="KIND" data-key="NAME">; the
   data is ECOUTE_DATA[NAME] from <script type="application/json" id="chart-data">. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof echarts === "undefined") return;
  var DATA = JSON.parse(source.textContent);
  var L = DATA.labels || {};
  var palette = ["#1d3557", "#e63946", "#2a9d8f", "#e9c46a", "#457b9d", "#f4a261", "#8d99ae", "#6a4c93"];
  var base = { color: palette, textStyle: { fontFamily: "system-ui, sans-serif" }, animation: false };
  var grid = { left: 48, right: 48, top: 36, bottom: 36, containLabel: true };

  function label(code) { return (L.codes && L.codes[code]) || code; }

  var builders = {
    volume: function (rows) {
      return {
        tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: grid,
        xAxis: { type: "category", data: rows.map(function (r) { return r.month; }) },
        yAxis: [{ type: "value", name: L.count, minInterval: 1 }, { type: "value", name: L.sentiment, min: -1, max: 1 }],
        series: [
          { name: L.count, type: "bar", data: rows.map(function (r) { return r.count; }) },
          { name: L.sentiment, type: "line", yAxisIndex: 1, connectNulls: true, data: rows.map(function (r) { return r.sentiment; }) }
        ]
      };
    },
    bars: function (rows) {
      var items = rows.slice().reverse();
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } }, grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: items.map(function (r) { return label(r.code || r.value || r.channel); }) },
        series: [{ type: "bar", data: items.map(function (r) { return r.count; }), label: { show: true, position: "right" } }]
      };
    },
    effort: function (rows) {
      return {
        tooltip: { trigger: "axis" }, grid: grid,
        xAxis: { type: "category", data: rows.map(function (r) { return String(r.score); }), name: L.effort },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "bar", data: rows.map(function (r, i) { return { value: r.count, itemStyle: { color: i < 2 ? "#2a9d8f" : i < 4 ? "#e9c46a" : "#e76f51" } }; }) }]
      };
    },
    trends: function (data) {
      var trends = data.series, axis = data.months;
      return {
        tooltip: { trigger: "axis" }, legend: { top: 0, type: "scroll" }, grid: grid,
        xAxis: { type: "category", data: axis }, yAxis: { type: "value", minInterval: 1 },
        series: Object.keys(trends).map(function (code) {
          return { name: label(code), type: "line", data: axis.map(function (m) { return trends[code][m] || 0; }) };
        })
      };
    },
    themeTrend: function (rows) {
      return {
        tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: grid,
        xAxis: { type: "category", data: rows.map(function (r) { return r.month; }) },
        yAxis: [{ type: "value", name: L.count, minInterval: 1 }, { type: "value", name: "%", max: 100 }],
        series: [
          { name: L.count, type: "bar", data: rows.map(function (r) { return r.count; }) },
          { name: L.share, type: "line", yAxisIndex: 1, data: rows.map(function (r) { return r.share; }) }
        ]
      };
    },
    sankey: function (rows) {
      var nodes = {}, links = [];
      rows.forEach(function (t) {
        var a = label(t.source) + " (" + t.step + ")", b = label(t.target) + " (" + (t.step + 1) + ")";
        nodes[a] = 1; nodes[b] = 1;
        links.push({ source: a, target: b, value: t.count });
      });
      return {
        tooltip: { trigger: "item" },
        series: [{ type: "sankey", left: 8, right: 140, top: 8, bottom: 8, nodeAlign: "left", emphasis: { focus: "adjacency" },
                   lineStyle: { color: "gradient", curveness: 0.5, opacity: 0.35 },
                   data: Object.keys(nodes).map(function (n) { return { name: n }; }), links: links }]
      };
    },
    waits: function (rows) {
      return {
        tooltip: { trigger: "axis" }, grid: grid,
        xAxis: { type: "category", data: rows.map(function (r) { return label(r.channel); }), axisLabel: { interval: 0, rotate: 30 } },
        yAxis: { type: "value", name: "min" },
        series: [{ name: L.mean, type: "bar", data: rows.map(function (r) { return r.mean; }) },
                 { name: L.max, type: "scatter", data: rows.map(function (r) { return r.max; }) }]
      };
    },
    compare: function (rows) {
      var points = rows.filter(function (r) { return r.customer && r.employee; }).map(function (r) {
        return { name: r.value, value: [r.employee.sentiment, r.customer.sentiment] };
      });
      return {
        tooltip: { formatter: function (p) { return p.name + "<br>" + L.x + " " + p.value[0] + "<br>" + L.y + " " + p.value[1]; } },
        grid: grid,
        xAxis: { type: "value", name: L.x, nameLocation: "middle", nameGap: 28, min: -1, max: 1 },
        yAxis: { type: "value", name: L.y, nameLocation: "middle", nameGap: 36, min: -1, max: 1 },
        series: [{ type: "scatter", symbolSize: 16, data: points, label: { show: true, position: "right", formatter: "{b}" } }]
      };
    }
  };

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var kind = el.getAttribute("data-chart"), data = DATA[el.getAttribute("data-key")];
    if (!builders[kind] || data == null) return;
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(Object.assign({}, base, builders[kind](data)));
    el.setAttribute("data-ready", "1");
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
