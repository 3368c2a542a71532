// Realistic synthetic LLM traffic for demo mode: 30 days of history and a stream of live requests, repeatable by seed.
using Tokentap.Engine.Pricing;

namespace Tokentap.Engine.Demo;

/// <summary>
/// Generates the demo's events from a seed: the same seed, preset and end time give the same events (ids included).
/// People work on weekdays (weekends half as often) between 08:00 and 20:00 UTC in conversations with their agents;
/// a conversation's context grows turn by turn and is read back from the prompt cache the way each provider caches.
/// Every event has <see cref="UsageSource.Demo"/> and a session named demo-&lt;person&gt;; costs come from the
/// embedded price table. Not thread-safe: one thread generates.
/// </summary>
public sealed class DemoTraffic
{
    /// <summary>How many days of history <see cref="History"/> covers.</summary>
    public const int HistoryDays = 30;

    private const int MaxContext = 180_000;
    private readonly DemoProfile _profile;
    private readonly PriceTable _prices;
    private readonly int _seed;
    private readonly Random _live;
    private readonly Queue<UsageEvent> _pending = new();

    public DemoTraffic(int seed, TokentapDemoPreset preset, PriceTable prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        _seed = seed;
        _profile = DemoProfile.For(preset);
        _prices = prices;
        _live = new Random(unchecked(seed * 31 + 7));
    }

    /// <summary>The events of the <see cref="HistoryDays"/> days before <paramref name="endUtc"/> (and of its day up to it), oldest first.</summary>
    public IReadOnlyList<UsageEvent> History(DateTime endUtc)
    {
        var random = new Random(_seed);
        var events = new List<UsageEvent>();
        var lastDay = endUtc.Date;
        for (var day = lastDay.AddDays(-HistoryDays); day <= lastDay; day = day.AddDays(1))
        {
            for (var person = 0; person < _profile.People.Count; person++)
            {
                var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
                if (random.NextDouble() >= _profile.ActiveDayChance * (weekend ? 0.5 : 1))
                {
                    continue;
                }

                var conversations = random.Next(_profile.MinConversations, _profile.MaxConversations + 1);
                for (var i = 0; i < conversations; i++)
                {
                    var start = DateTime.SpecifyKind(day, DateTimeKind.Utc).AddMinutes(8 * 60 + random.Next(12 * 60)).AddSeconds(random.Next(60));
                    events.AddRange(Conversation(random, person, start));
                }
            }
        }

        var ended = endUtc.Kind == DateTimeKind.Utc ? endUtc : DateTime.SpecifyKind(endUtc, DateTimeKind.Utc);
        return events.Where(e => e.Timestamp < ended).OrderBy(e => e.Timestamp).ThenBy(e => e.Id).ToList();
    }

    /// <summary>The next live request, stamped <paramref name="nowUtc"/> and priced then.</summary>
    public UsageEvent NextLive(DateTime nowUtc)
    {
        if (_pending.Count == 0)
        {
            foreach (var usage in Conversation(_live, _live.Next(_profile.People.Count), nowUtc))
            {
                _pending.Enqueue(usage);
            }
        }

        var next = _pending.Dequeue();
        next.Timestamp = nowUtc;
        next.Cost = _prices.Cost(next);
        return next;
    }

    /// <summary>How long to wait before the next live request: the preset's mean interval, from half to one and a half times it.</summary>
    public TimeSpan NextLiveDelay() => _profile.LiveInterval * (0.5 + _live.NextDouble());

    private IEnumerable<UsageEvent> Conversation(Random random, int person, DateTime start)
    {
        var agent = _profile.PickAgent(random);
        var model = agent.PickModel(random);
        var project = DemoProfile.Projects[(person * 2 + random.Next(2)) % DemoProfile.Projects.Count];
        var isAgent = !agent.App.Contains("-python", StringComparison.Ordinal) && !agent.App.Contains("-node", StringComparison.Ordinal);
        var clientSession = isAgent ? NewId(random).ToString() : null;
        var processId = 2000 + random.Next(60_000);
        var turns = random.Next(agent.MinTurns, agent.MaxTurns + 1);
        long context = random.Next(3_000, 16_000);
        var time = start;
        var events = new List<UsageEvent>(turns);
        for (var turn = 0; turn < turns && context < MaxContext; turn++)
        {
            long fresh = random.Next(agent.MinNewTokens, agent.MaxNewTokens + 1);
            long output = random.Next(agent.MinOutput, agent.MaxOutput + 1);
            var usage = new UsageEvent(NewId(random))
            {
                Timestamp = time,
                Provider = model.Provider,
                Host = model.Host,
                Endpoint = model.Endpoint,
                Model = model.Model,
                RequestModel = model.Model,
                Streaming = agent.App != "openai-python",
                StatusCode = 200,
                App = agent.App,
                AppVersion = agent.AppVersion,
                Session = "demo-" + _profile.People[person],
                ClientSessionId = clientSession,
                Project = project,
                ClientProcessId = processId,
                ClientProcessName = agent.ProcessName,
                RequestId = "req_demo_" + NewId(random).ToString("N")[..20],
                Source = UsageSource.Demo,
            };
            if (random.Next(100) < 2)
            {
                Fail(usage, random);
            }
            else
            {
                Fill(usage, agent, random, turn, context, fresh, output);
                context += fresh + output;
            }

            usage.DurationMs = usage.StatusCode == 200 ? 600 + output * random.Next(6, 22) : random.Next(80, 900);
            usage.TimeToFirstByteMs = Math.Min(usage.DurationMs, random.Next(250, 1600));
            usage.Cost = _prices.Cost(usage);
            events.Add(usage);
            time = time.AddMilliseconds(usage.DurationMs).AddSeconds(random.Next(4, 150));
        }

        return events;
    }

    /// <summary>A successful turn: the provider's caching of the growing context, output and reasoning.</summary>
    private static void Fill(UsageEvent usage, DemoAgent agent, Random random, int turn, long context, long fresh, long output)
    {
        if (agent.CacheWrites)
        {
            // Anthropic-style explicit caching: the prefix is read back, the new part written (some with a 1 hour TTL).
            usage.InputTokens = random.Next(1, 12);
            usage.CacheReadTokens = turn == 0 ? 0 : context;
            usage.CacheWriteTokens = turn == 0 ? context + fresh : fresh;
            usage.CacheWrite1hTokens = random.Next(4) == 0 ? usage.CacheWriteTokens : 0;
        }
        else if (agent.CacheReads && turn > 0)
        {
            // Automatic caching (OpenAI, Gemini): whole 1,024-token blocks of the repeated prefix are read back.
            usage.CacheReadTokens = context / 1024 * 1024;
            usage.InputTokens = context - usage.CacheReadTokens + fresh;
        }
        else
        {
            usage.InputTokens = context + fresh;
        }

        usage.OutputTokens = output;
        usage.ReasoningTokens = agent.Reasoning ? output * random.Next(15, 60) / 100 : 0;
        usage.MessageId = usage.Provider switch
        {
            "anthropic" => "msg_demo_" + NewId(random).ToString("N")[..20],
            "openai" => "resp_demo_" + NewId(random).ToString("N")[..20],
            _ => "demo-" + NewId(random).ToString("N")[..16],
        };
        usage.StopReason = usage.Provider switch
        {
            "anthropic" => random.Next(3) == 0 ? "end_turn" : "tool_use",
            "google" => "STOP",
            _ => "stop",
        };
    }

    /// <summary>A failed request: a rate limit or an overloaded upstream, no tokens billed.</summary>
    private static void Fail(UsageEvent usage, Random random)
    {
        var overloaded = usage.Provider == "anthropic" && random.Next(2) == 0;
        usage.StatusCode = overloaded ? 529 : 429;
        usage.Error = overloaded ? "overloaded_error: Overloaded" : "rate_limit_error: rate limit reached for requests";
    }

    private static Guid NewId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }
}
