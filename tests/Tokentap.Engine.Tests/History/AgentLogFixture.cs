// A writable copy of one client's recorded agent logs (Fixtures/AgentLogs/<client>), its ground truth, and a store.
using System.Text.Json;
using Tokentap.Engine.History;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.History;

/// <summary>One request as the mock answered it (truth.json), normalized the Tokentap way.</summary>
internal sealed record TruthRequest(string Path, string RequestId, string Id, string Model, long Input, long Output, long CacheRead, long CacheWrite, long CacheWrite1h, long Reasoning);

/// <summary>A temp folder holding a Tokentap home with a store, and a copy of a client's logs that tests may change.</summary>
internal sealed class AgentLogFixture : IDisposable
{
    // Every fixture call was made between 23:42 and 23:44 UTC on this day (see Fixtures/AgentLogs/*).
    public static readonly DateTime RecordedAround = new(2026, 12, 5, 23, 42, 0, DateTimeKind.Utc);

    public AgentLogFixture(string client)
    {
        Root = Path.Combine(Path.GetTempPath(), "tokentap-history-tests", Guid.NewGuid().ToString("N"));
        Home = Path.Combine(Root, "tokentap");
        Logs = Path.Combine(Root, "logs");
        Directory.CreateDirectory(Home);
        var source = Path.Combine(AppContext.BaseDirectory, "Fixtures", "AgentLogs", client);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative == "truth.json")
            {
                continue;
            }

            var target = Path.Combine(Logs, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        using var truth = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(source, "truth.json")));
        Truth = truth.RootElement.GetProperty("requests").EnumerateArray().Select(r => new TruthRequest(
            r.GetProperty("path").GetString()!,
            r.GetProperty("requestId").GetString()!,
            r.GetProperty("id").GetString()!,
            r.GetProperty("model").GetString()!,
            r.GetProperty("input").GetInt64(),
            r.GetProperty("output").GetInt64(),
            r.GetProperty("cacheRead").GetInt64(),
            r.GetProperty("cacheWrite").GetInt64(),
            r.GetProperty("cacheWrite1h").GetInt64(),
            r.GetProperty("reasoning").GetInt64())).ToList();
        Store = new UsageStore(Path.Combine(Home, "usage.db"));
    }

    public string Root { get; }

    public string Home { get; }

    /// <summary>The copy of the client's log folder (claude: projects/..., codex: sessions/..., gemini: tmp/...).</summary>
    public string Logs { get; }

    public IReadOnlyList<TruthRequest> Truth { get; }

    public UsageStore Store { get; }

    /// <summary>The one log file whose name contains <paramref name="part"/>.</summary>
    public string LogFile(string part) =>
        Directory.EnumerateFiles(Logs, "*", SearchOption.AllDirectories).Single(f => Path.GetFileName(f).Contains(part, StringComparison.Ordinal));

    /// <summary>Imports the copied logs with a fresh importer (checkpoints are read from the home each time).</summary>
    public TokenUsageImportReport Import(UsageSource source, bool whatIf = false, CancellationToken cancellationToken = default) =>
        new HistoryImporter(Store, PriceTable.Embedded(), Home)
            .Import(HistoryImporter.ReaderFor(source), new HistoryImportOptions { Paths = [Logs], WhatIf = whatIf }, cancellationToken);

    /// <summary>Everything stored, oldest first.</summary>
    public List<UsageEvent> Stored() => Store.Query(UsageFilter.All, UsageOrder.OldestFirst).ToList();

    /// <summary>What the proxy would have captured for a truth request: its exact figures and ids, Source Proxy.</summary>
    public static UsageEvent Live(TruthRequest request, string provider, string app, int second) => new()
    {
        Timestamp = RecordedAround.AddSeconds(second),
        Source = UsageSource.Proxy,
        Provider = provider,
        App = app,
        Model = request.Model,
        RequestId = request.RequestId,
        MessageId = request.Id,
        InputTokens = request.Input,
        OutputTokens = request.Output,
        CacheReadTokens = request.CacheRead,
        CacheWriteTokens = request.CacheWrite,
        CacheWrite1hTokens = request.CacheWrite1h,
        ReasoningTokens = request.Reasoning,
        StatusCode = 200,
        Streaming = true,
    };

    public void Dispose()
    {
        Store.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // The temp cleaner takes what a slow handle kept.
        }
    }
}
