// Every fixture re-split at random boundaries (intact: numbers unchanged) and randomly corrupted (nothing escapes).
using System.Text;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Providers;

public sealed class FuzzTests
{
    private const int Seed = 20261122;
    private const int CasesPerFixture = 480;
    private const int WebSocketCases = 400;

    [Fact]
    public void Random_splits_and_corruptions_never_escape_and_intact_streams_keep_their_numbers()
    {
        var random = new Random(Seed);
        var cases = 0;
        foreach (var fixture in FixtureCases.All)
        {
            var original = ExchangeDriver.Fixture(fixture.File);
            var baseline = FixtureParsingTests.RunCase(fixture, new ReadOnlyMemory<byte>[] { original });
            for (var i = 0; i < CasesPerFixture; i++, cases++)
            {
                var intact = i % 2 == 0;
                var bytes = intact ? WithLineEndings(original, i / 2 % 3) : Corrupt(original, random);
                var completion = intact ? ExchangeDriver.Completed() : RandomCompletion(random);
                var (observer, sink) = ExchangeDriver.NewObserver();
                var request = ExchangeDriver.Request(fixture.Host, fixture.PathAndQuery, fixture.RequestBody);
                var events = ExchangeDriver.Run(observer, sink, request, ExchangeDriver.Head(fixture.Status), RandomSplit(bytes, random), completion);

                var context = $"{fixture.Name} case {i} (seed {Seed})";
                Assert.True(observer.Failures == 0, $"{context}: {observer.LastFailure}");
                Assert.True(events.Count == 1, context);
                var usage = events[0];
                if (intact)
                {
                    AssertSameNumbers(baseline, usage, context);
                }
                else
                {
                    AssertSane(usage, context);
                }
            }
        }

        var messages = ExchangeDriver.WebSocketMessages("openai-responses-ws.jsonl");
        for (var i = 0; i < WebSocketCases; i++, cases++)
        {
            var (observer, sink) = ExchangeDriver.NewObserver();
            var corrupted = messages
                .Where(_ => random.Next(8) != 0)
                .Select(m => (m.Direction, random.Next(3) == 0 ? Corrupt(m.Payload, random) : m.Payload))
                .ToList();
            var events = ExchangeDriver.RunWebSocket(observer, sink,
                ExchangeDriver.Request("api.openai.com", "/v1/responses", "", method: "GET", webSocket: true), corrupted, RandomCompletion(random));

            Assert.True(observer.Failures == 0, $"websocket case {i}: {observer.LastFailure}");
            Assert.InRange(events.Count, 0, 3);
            foreach (var usage in events)
            {
                AssertSane(usage, $"websocket case {i}");
            }
        }

        Assert.True(cases >= 10_000);
    }

    private static void AssertSameNumbers(UsageEvent expected, UsageEvent actual, string context)
    {
        var same = expected.InputTokens == actual.InputTokens
            && expected.CacheReadTokens == actual.CacheReadTokens
            && expected.CacheWriteTokens == actual.CacheWriteTokens
            && expected.CacheWrite1hTokens == actual.CacheWrite1hTokens
            && expected.OutputTokens == actual.OutputTokens
            && expected.ReasoningTokens == actual.ReasoningTokens
            && expected.Cost == actual.Cost
            && expected.Model == actual.Model
            && expected.MessageId == actual.MessageId
            && expected.StopReason == actual.StopReason
            && expected.Error == actual.Error
            && expected.Estimated == actual.Estimated
            && expected.StatusCode == actual.StatusCode;
        Assert.True(same, $"{context}: numbers changed on an intact stream");
    }

    private static void AssertSane(UsageEvent usage, string context)
    {
        Assert.True(usage.InputTokens >= 0 && usage.CacheReadTokens >= 0 && usage.CacheWriteTokens >= 0 && usage.OutputTokens >= 0, context);
        Assert.True(usage.CacheWrite1hTokens <= usage.CacheWriteTokens, context);
        Assert.True(usage.ReasoningTokens <= usage.OutputTokens, context);
        Assert.True(usage.Cost is null || usage.Cost >= 0, context);
    }

    // Line endings LF, CRLF or CR throughout: all valid for SSE, all JSON whitespace.
    private static byte[] WithLineEndings(byte[] original, int style)
    {
        var text = Encoding.UTF8.GetString(original).Replace("\r\n", "\n");
        text = style switch
        {
            1 => text.Replace("\n", "\r\n"),
            2 => text.Replace("\n", "\r"),
            _ => text,
        };
        return Encoding.UTF8.GetBytes(text);
    }

    private static IEnumerable<ReadOnlyMemory<byte>> RandomSplit(byte[] bytes, Random random)
    {
        var cuts = new List<int>();
        var count = random.Next(0, Math.Min(bytes.Length, 60));
        for (var i = 0; i < count; i++)
        {
            cuts.Add(random.Next(1, Math.Max(2, bytes.Length)));
        }

        if (random.Next(4) == 0 && bytes.Length > 2)
        {
            // A window fed byte by byte: splits inside "data:", inside escapes and inside UTF-8 sequences.
            var start = random.Next(bytes.Length);
            for (var i = start; i < Math.Min(bytes.Length, start + 200); i++)
            {
                cuts.Add(i);
            }
        }

        return ExchangeDriver.Split(bytes, cuts).ToList();
    }

    private static byte[] Corrupt(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        var edits = random.Next(1, 5);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 64), bytes.Count - at));
                    break;
                case 3:
                    var length = Math.Min(random.Next(1, 200), bytes.Count - at);
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
                case 4:
                    var noise = "{}[]\":,\\\n\r data: event:"u8.ToArray();
                    bytes.Insert(at, random.Next(3) == 0 ? (byte)random.Next(0x80, 0x100) : noise[random.Next(noise.Length)]);
                    break;
                default:
                    bytes[at] = (byte)"0123456789-"[random.Next(11)];
                    break;
            }
        }

        return bytes.ToArray();
    }

    private static ExchangeCompletion RandomCompletion(Random random) => random.Next(4) switch
    {
        0 => ExchangeDriver.Completed(clientAborted: true),
        1 => ExchangeDriver.Completed(upstreamError: "stream cut"),
        2 => ExchangeDriver.Completed(overflow: true),
        _ => ExchangeDriver.Completed(),
    };
}
