// Realistic synthetic usage events for the store benchmark: agent sessions across providers, models and projects.
using Tokentap.Engine.Usage;

namespace Tokentap.Bench;

/// <summary>
/// Generates events spread evenly over a number of days, in time order, shaped like real agent traffic: mostly
/// Claude Code on Anthropic (with subscription rate-limit headers), some Codex on OpenAI and Gemini CLI, a session
/// every three hours per app working in one of a dozen projects, provider-style request and message ids, 3 % errors.
/// </summary>
internal static class BenchEvents
{
    public static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>A model used by one event in a thousand, for selective-filter measurements.</summary>
    public const string RareModel = "claude-opus-4-1-20250805";

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>
    /// Fills the store with <see cref="Generate"/>'s events through the recorder (the proxy's path), keeping its queue
    /// under capacity so nothing is dropped: this measures what the writer sustains. Returns the recorder's final
    /// status and the total time spent in Publish.
    /// </summary>
    public static (UsageRecorderStatus Status, TimeSpan Publishing) Fill(UsageStore store, int count, int days)
    {
        var generated = Generate(count, days).ToList();
        var options = new UsageRecorderOptions { Capacity = 50_000 };
        using var recorder = new UsageRecorder(store, options);
        var publishTicks = 0L;
        foreach (var e in generated)
        {
            while (recorder.Status.Pending >= options.Capacity - 1)
            {
                Thread.Sleep(1);
            }

            var before = System.Diagnostics.Stopwatch.GetTimestamp();
            recorder.Publish(e);
            publishTicks += System.Diagnostics.Stopwatch.GetTimestamp() - before;
        }

        if (!recorder.Flush(TimeSpan.FromMinutes(30)) || recorder.Status.Committed != count || recorder.Status.Dropped != 0)
        {
            throw new InvalidOperationException($"filling the store lost events: {recorder.Status}");
        }

        return (recorder.Status, System.Diagnostics.Stopwatch.GetElapsedTime(0, publishTicks));
    }

    public static IEnumerable<UsageEvent> Generate(int count, int days, int seed = 42)
    {
        var random = new Random(seed);
        var step = TimeSpan.FromDays(days).Ticks / count;
        for (var i = 0; i < count; i++)
        {
            var timestamp = Start.AddTicks(i * step + random.Next((int)Math.Min(step, int.MaxValue)));
            var pick = random.Next(100);
            var e = pick < 65 ? Anthropic(random, i) : pick < 90 ? OpenAi(random) : Google(random);
            e.Timestamp = timestamp;
            // A session per app every three hours, working in one project, as an agent run does.
            var slot = timestamp.Ticks / (TimeSpan.TicksPerHour * 3);
            e.Session = e.App + "-" + slot;
            e.Project = "/home/dev/src/project-" + (slot * 7 + e.App!.Length) % 12;
            e.DurationMs = 500 + random.Next(60_000);
            e.TimeToFirstByteMs = 200 + random.Next(3000);
            e.Streaming = true;
            if (random.Next(100) < 3)
            {
                e.StatusCode = random.Next(2) == 0 ? 429 : 529;
                e.Error = "upstream returned " + e.StatusCode;
                e.OutputTokens = 0;
            }
            else
            {
                e.StatusCode = 200;
            }

            yield return e;
        }
    }

    private static UsageEvent Anthropic(Random random, int i)
    {
        var model = i % 1000 == 0 ? RareModel : random.Next(5) == 0 ? "claude-haiku-4-5-20251001" : "claude-sonnet-4-5-20250929";
        var input = random.Next(1, 4000);
        var cacheRead = random.Next(0, 150_000);
        var cacheWrite = random.Next(0, 8000);
        var output = random.Next(1, 4000);
        return new UsageEvent
        {
            Provider = "anthropic",
            Host = "api.anthropic.com",
            Endpoint = "messages",
            Model = model,
            RequestModel = model,
            InputTokens = input,
            CacheReadTokens = cacheRead,
            CacheWriteTokens = cacheWrite,
            OutputTokens = output,
            Cost = (input * 3m + cacheRead * 0.3m + cacheWrite * 3.75m + output * 15m) / 1_000_000m,
            App = "claude-code",
            AppVersion = "2.0.14",
            ClientSessionId = Guid.NewGuid().ToString(),
            RequestId = "req_011C" + Id(random, 22),
            MessageId = "msg_01" + Id(random, 22),
            StopReason = random.Next(3) == 0 ? "end_turn" : "tool_use",
            RateLimits = new RateLimitSnapshot
            {
                UnifiedStatus = "allowed",
                UnifiedReset = new DateTimeOffset(2026, 1, 1, 5, 0, 0, TimeSpan.Zero),
                UnifiedRepresentativeClaim = "five_hour",
                Unified5hUtilization = random.NextDouble(),
                Unified5hReset = new DateTimeOffset(2026, 1, 1, 5, 0, 0, TimeSpan.Zero),
                Unified5hStatus = "allowed",
                Unified7dUtilization = random.NextDouble(),
                Unified7dReset = new DateTimeOffset(2026, 1, 7, 0, 0, 0, TimeSpan.Zero),
                Unified7dStatus = "allowed",
            },
        };
    }

    private static UsageEvent OpenAi(Random random)
    {
        var input = random.Next(1, 20_000);
        var cacheRead = random.Next(0, 60_000);
        var output = random.Next(1, 6000);
        var reasoning = random.Next(0, output);
        return new UsageEvent
        {
            Provider = "openai",
            Host = "api.openai.com",
            Endpoint = "responses",
            Model = random.Next(4) == 0 ? "gpt-5-mini" : "gpt-5-codex",
            InputTokens = input,
            CacheReadTokens = cacheRead,
            OutputTokens = output,
            ReasoningTokens = reasoning,
            Cost = random.Next(50) == 0 ? null : (input * 1.25m + cacheRead * 0.125m + output * 10m) / 1_000_000m,
            App = "codex",
            AppVersion = "0.46.0",
            RequestId = "req_" + Id(random, 32),
            MessageId = "resp_" + Id(random, 40),
            StopReason = "completed",
        };
    }

    private static UsageEvent Google(Random random)
    {
        var input = random.Next(1, 30_000);
        var output = random.Next(1, 3000);
        return new UsageEvent
        {
            Provider = "google",
            Host = "generativelanguage.googleapis.com",
            Endpoint = "streamGenerateContent",
            Model = "gemini-2.5-pro",
            InputTokens = input,
            OutputTokens = output,
            ReasoningTokens = random.Next(0, output),
            Cost = (input * 1.25m + output * 10m) / 1_000_000m,
            App = "gemini-cli",
            AppVersion = "0.9.0",
            MessageId = Id(random, 24),
            StopReason = "STOP",
        };
    }

    private static string Id(Random random, int length)
    {
        return string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[r.Next(Alphabet.Length)];
            }
        });
    }
}
