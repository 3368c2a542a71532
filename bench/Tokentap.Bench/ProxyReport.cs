// The proxy scenarios' figures as a markdown table with ratios, and each product target with its verdict.
using System.Globalization;

namespace Tokentap.Bench;

internal static class ProxyReport
{
    public static IEnumerable<string> Table(IReadOnlyList<PathFigures> results)
    {
        var direct = results.FirstOrDefault(r => r.Name == "direct");
        var tokentap = results.FirstOrDefault(r => r.Name == "Tokentap");
        var mitm = results.FirstOrDefault(r => r.Name == "mitmdump");
        yield return "| Measurement | direct | Tokentap | mitmdump | Tokentap vs mitmdump |";
        yield return "| --- | ---: | ---: | ---: | --- |";

        string Row(string name, Func<PathFigures, double?> value, string format, bool lowerIsBetter = true)
        {
            var t = tokentap is null ? null : value(tokentap);
            var m = mitm is null ? null : value(mitm);
            var ratio = t is > 0 && m is > 0
                ? lowerIsBetter ? $"{m.Value / t.Value:N1}x lower" : $"{t.Value / m.Value:N1}x higher"
                : "";
            return $"| {name} | {Cell(direct, value, format)} | {Cell(tokentap, value, format)} | {Cell(mitm, value, format)} | {ratio} |";
        }

        double? Added(PathFigures p, Func<PathFigures, double> value) => direct is null || p == direct ? null : value(p) - value(direct);

        yield return Row("1. Small JSON, sequential: latency p50 (ms)", p => p.Small.P50, "N3");
        yield return Row("1. Small JSON, sequential: latency p99 (ms)", p => p.Small.P99, "N3");
        yield return Row("1. Added latency p50 (ms, proxied - direct)", p => Added(p, x => x.Small.P50), "N3");
        yield return Row("1. Added latency p99 (ms)", p => Added(p, x => x.Small.P99), "N3");
        yield return Row("2. SSE first byte p50 (ms, over the short streams)", p => p.FirstByte.P50, "N3");
        yield return Row("2. SSE first byte p99 (ms)", p => p.FirstByte.P99, "N3");
        yield return Row("2. Added first byte p50 (ms)", p => Added(p, x => x.FirstByte.P50), "N3");
        yield return Row("2. Paced stream, 1,000 events 5 ms apart: inter-event gap p50 (ms)", p => p.Gaps.P50, "N3");
        yield return Row("2. Inter-event gap p99 (ms)", p => p.Gaps.P99, "N3");
        yield return Row("2. Inter-event gap max (ms)", p => p.Gaps.Max, "N3");
        yield return Row("2. Gap p99 minus direct's (ms)", p => Added(p, x => x.Gaps.P99), "N3");
        yield return Row("3. Throughput, 32 keep-alive clients (requests/s)", p => p.RequestsPerSecond, "N0", lowerIsBetter: false);
        yield return Row("3. Proxy CPU per request (ms)", p => p.CpuPerRequestMs, "N3");
        yield return Row("3. Proxy CPU in use during the run (cores)", p => p.ProxyCpuShare, "N2");
        yield return Row("4. 1 GiB SSE stream: time (s)", p => p.BigSeconds, "N2");
        yield return Row("4. 1 GiB SSE stream: throughput (MiB/s)", p => p.BigBytes / 1_048_576.0 / p.BigSeconds, "N0", lowerIsBetter: false);
        yield return Row("4. Proxy RSS before the stream (MiB)", p => p.RssBeforeBytes / 1_048_576.0, "N1");
        yield return Row("4. Proxy peak RSS growth during the stream (MiB)", p => p.RssGrowthBytes / 1_048_576.0, "N1");
        yield return $"| Usage records stored / responses served | | {Stored(tokentap)} | {Stored(mitm)} | |";
    }

    /// <summary>
    /// Content capture's cost (issue 23): Tokentap with capture off and on, side by side; nothing when the run had no
    /// tokentap-capture path (the table above is then exactly what it was without capture).
    /// </summary>
    public static IEnumerable<string> CaptureTable(IReadOnlyList<PathFigures> results)
    {
        var off = results.FirstOrDefault(r => r.Name == "Tokentap");
        var on = results.FirstOrDefault(r => r.Name == TokentapPath.CaptureName);
        if (off is null || on is null)
        {
            yield break;
        }

        yield return "";
        yield return "| Measurement | Tokentap | Tokentap, capture on | capture's cost |";
        yield return "| --- | ---: | ---: | ---: |";

        string Row(string name, Func<PathFigures, double> value, string format) =>
            $"| {name} | {value(off).ToString(format, CultureInfo.InvariantCulture)} | {value(on).ToString(format, CultureInfo.InvariantCulture)} | {(value(on) >= value(off) ? "+" : "")}{(value(on) - value(off)).ToString(format, CultureInfo.InvariantCulture)} |";

        yield return Row("1. Small JSON, sequential: latency p50 (ms)", p => p.Small.P50, "N3");
        yield return Row("1. Small JSON, sequential: latency p99 (ms)", p => p.Small.P99, "N3");
        yield return Row("2. SSE first byte p50 (ms)", p => p.FirstByte.P50, "N3");
        yield return Row("3. Throughput, keep-alive clients (requests/s)", p => p.RequestsPerSecond, "N0");
        yield return Row("3. Proxy CPU per request (ms)", p => p.CpuPerRequestMs ?? double.NaN, "N3");
        yield return Row("4. Big SSE stream: throughput (MiB/s)", p => p.BigBytes / 1_048_576.0 / p.BigSeconds, "N0");
        yield return Row("4. Proxy peak RSS growth during the stream (MiB)", p => (p.RssGrowthBytes ?? double.NaN) / 1_048_576.0, "N1");
    }

    /// <summary>Each target of the benchmark issue: what it asks, what was measured, met or missed.</summary>
    public static IEnumerable<(string Target, string Measured, bool Met)> Targets(IReadOnlyList<PathFigures> results)
    {
        var direct = results.FirstOrDefault(r => r.Name == "direct");
        var tokentap = results.FirstOrDefault(r => r.Name == "Tokentap");
        var mitm = results.FirstOrDefault(r => r.Name == "mitmdump");
        if (direct is null || tokentap is null)
        {
            yield break;
        }

        var added = tokentap.Small.P50 - direct.Small.P50;
        yield return ("Added latency p50 <= 0.3 ms", $"{added:N3} ms", added <= 0.3);
        if (mitm is not null)
        {
            var mitmAdded = mitm.Small.P50 - direct.Small.P50;
            yield return ("Added latency p50 <= 1/10 of mitmdump's", $"{added:N3} ms vs {mitmAdded:N3} ms ({(added > 0 ? mitmAdded / added : double.PositiveInfinity):N1}x less)", added <= mitmAdded / 10);
        }

        var firstByte = tokentap.FirstByte.P50 - direct.FirstByte.P50;
        yield return ("First byte added <= 1 ms", $"{firstByte:N3} ms", firstByte <= 1);
        var gap = tokentap.Gaps.P99 - direct.Gaps.P99;
        yield return ("No chunk held back: inter-event gap p99 within 1 ms of direct", $"{gap:+0.000;-0.000} ms ({tokentap.Gaps.P99:N3} vs {direct.Gaps.P99:N3} ms)", gap <= 1);
        if (mitm is not null)
        {
            var ratio = tokentap.RequestsPerSecond / mitm.RequestsPerSecond;
            yield return ("Throughput >= 10x mitmdump", $"{ratio:N1}x ({tokentap.RequestsPerSecond:N0} vs {mitm.RequestsPerSecond:N0} requests/s)", ratio >= 10);
        }

        if (tokentap.RssGrowthBytes is { } growth)
        {
            yield return ("1 GiB stream: RSS growth < 30 MB", $"{growth / 1e6:N1} MB", growth < 30e6);
        }

        yield return ("Every response's usage stored", Stored(tokentap), tokentap.Stored == tokentap.Responses);
    }

    private static string Stored(PathFigures? p) => p is null ? "" : $"{p.Stored:N0} / {p.Responses:N0}";

    private static string Cell(PathFigures? p, Func<PathFigures, double?> value, string format) =>
        p is not null && value(p) is { } v && !double.IsNaN(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "";
}
