// An OTLP/HTTP receiver inside the tests: decodes the metrics the exporter sends (protobuf, read field by field) and
// counts the log records, so metric values can be compared with the store's totals exactly.
using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Export;

/// <summary>
/// Listens on a free loopback port for POST /v1/metrics and /v1/logs (http/protobuf, uncompressed). Each metric point
/// received replaces the previous one of the same metric and attributes, so with cumulative temporality
/// <see cref="Points"/> holds the running totals.
/// </summary>
public sealed class OtlpTestReceiver : LoopbackHttpReceiver
{
    private readonly ConcurrentDictionary<string, MetricPoint> _points = new();
    private int _logRecords;
    private int _metricRequests;

    public int LogRecords => Volatile.Read(ref _logRecords);

    public int MetricRequests => Volatile.Read(ref _metricRequests);

    /// <summary>The last point received per metric and attribute set.</summary>
    public IReadOnlyList<MetricPoint> Points => [.. _points.Values];

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        var bytes = body.ToArray();
        switch (context.Request.Url!.AbsolutePath)
        {
            case "/v1/metrics":
                foreach (var point in Decode.MetricsRequest(bytes))
                {
                    _points[point.Key] = point;
                }

                Interlocked.Increment(ref _metricRequests);
                break;
            case "/v1/logs":
                Interlocked.Add(ref _logRecords, Decode.LogRecordCount(bytes));
                break;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-protobuf";
    }

    /// <summary>A number or histogram point: for a sum Value is its value; for a histogram Value is its sum and Count its count.</summary>
    public sealed record MetricPoint(string Metric, IReadOnlyDictionary<string, string> Attributes, double Value, ulong Count)
    {
        public string Key => Metric + "|" + string.Join(",", Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + a.Value));
    }

    // The OTLP messages by field number (opentelemetry-proto collector/metrics/v1, metrics/v1, logs/v1, common/v1).
    private static class Decode
    {
        public static List<MetricPoint> MetricsRequest(byte[] bytes)
        {
            var points = new List<MetricPoint>();
            foreach (var resourceMetrics in Messages(bytes, 1))
            {
                foreach (var scopeMetrics in Messages(resourceMetrics, 2))
                {
                    foreach (var metric in Messages(scopeMetrics, 2))
                    {
                        points.AddRange(Metric(metric));
                    }
                }
            }

            return points;
        }

        public static int LogRecordCount(byte[] bytes) =>
            Messages(bytes, 1).SelectMany(resourceLogs => Messages(resourceLogs, 2)).Sum(scopeLogs => Messages(scopeLogs, 2).Count());

        private static IEnumerable<MetricPoint> Metric(byte[] metric)
        {
            var name = "";
            var points = new List<MetricPoint>();
            var input = new CodedInputStream(metric);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 1:
                        name = input.ReadString();
                        break;
                    case 7: // Sum
                        points.AddRange(Messages(input.ReadBytes().ToByteArray(), 1).Select(p => NumberPoint(name, p)));
                        break;
                    case 9: // Histogram
                        points.AddRange(Messages(input.ReadBytes().ToByteArray(), 1).Select(p => HistogramPoint(name, p)));
                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }

            return points;
        }

        private static MetricPoint NumberPoint(string name, byte[] point)
        {
            var attributes = new Dictionary<string, string>();
            var value = 0d;
            var input = new CodedInputStream(point);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 4:
                        value = input.ReadDouble();
                        break;
                    case 6:
                        value = input.ReadSFixed64();
                        break;
                    case 7:
                        AddAttribute(attributes, input.ReadBytes().ToByteArray());
                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }

            return new MetricPoint(name, attributes, value, 0);
        }

        private static MetricPoint HistogramPoint(string name, byte[] point)
        {
            var attributes = new Dictionary<string, string>();
            var sum = 0d;
            var count = 0UL;
            var input = new CodedInputStream(point);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 4:
                        count = input.ReadFixed64();
                        break;
                    case 5:
                        sum = input.ReadDouble();
                        break;
                    case 9:
                        AddAttribute(attributes, input.ReadBytes().ToByteArray());
                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }

            return new MetricPoint(name, attributes, sum, count);
        }

        private static void AddAttribute(Dictionary<string, string> attributes, byte[] keyValue)
        {
            var key = "";
            var value = "";
            var input = new CodedInputStream(keyValue);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == 1)
                {
                    key = input.ReadString();
                }
                else if (WireFormat.GetTagFieldNumber(tag) == 2)
                {
                    value = AnyValue(input.ReadBytes().ToByteArray());
                }
                else
                {
                    input.SkipLastField();
                }
            }

            attributes[key] = value;
        }

        private static string AnyValue(byte[] anyValue)
        {
            var input = new CodedInputStream(anyValue);
            var tag = input.ReadTag();
            return WireFormat.GetTagFieldNumber(tag) switch
            {
                1 => input.ReadString(),
                2 => input.ReadBool() ? "true" : "false",
                3 => input.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
                4 => input.ReadDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                _ => "",
            };
        }

        /// <summary>The embedded messages of one repeated field.</summary>
        private static IEnumerable<byte[]> Messages(byte[] message, int field)
        {
            var found = new List<byte[]>();
            var input = new CodedInputStream(message);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                {
                    found.Add(input.ReadBytes().ToByteArray());
                }
                else
                {
                    input.SkipLastField();
                }
            }

            return found;
        }
    }
}
