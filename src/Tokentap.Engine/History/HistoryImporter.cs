// Imports agent logs into the store: finds files, reads only what is new since each file's checkpoint, prices the
// events, and lets the store reconcile them with what the proxy captured live.
using System.Diagnostics;
using System.Text.Json;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.History;

/// <summary>
/// Runs on the caller's thread. Order of work per batch: read lines (of one or several files, until the batch holds
/// <see cref="HistoryImportOptions.BatchEvents"/> events: a store transaction costs about the same for 100 events as
/// for 1,000), write the batch, then move the checkpoints of the files it came from, so a stop at any point
/// (cancellation between lines, a crash) leaves checkpoints at or behind what is stored: the next run reads the rest,
/// and anything read twice has the same ids and is skipped.
/// </summary>
public sealed class HistoryImporter
{
    private static readonly TimeSpan SaveEvery = TimeSpan.FromSeconds(2);
    private readonly UsageStore _store;
    private readonly PriceTable _prices;
    private readonly LogCheckpointStore _checkpoints;
    private readonly List<UsageEvent> _pending = [];
    private readonly List<(string File, LogCheckpoint Checkpoint)> _pendingCheckpoints = [];
    private bool _unsaved;

    public HistoryImporter(UsageStore store, PriceTable prices, string tokentapHome)
    {
        _store = store;
        _prices = prices;
        _checkpoints = LogCheckpointStore.Load(tokentapHome);
    }

    /// <summary>The readers of every supported agent, in the order imports run them.</summary>
    public static IReadOnlyList<AgentLogReader> Readers { get; } = [new ClaudeCodeLogReader(), new CodexLogReader(), new GeminiLogReader()];

    /// <summary>The reader of a source (ClaudeCodeLog, CodexLog, GeminiLog).</summary>
    public static AgentLogReader ReaderFor(UsageSource source) =>
        Readers.FirstOrDefault(r => r.Source == source) ?? throw new ArgumentOutOfRangeException(nameof(source), source, "No log reader for this source.");

    /// <summary>The folders an agent's logs are read from by default, for this environment.</summary>
    public static IReadOnlyList<string> DefaultRoots(AgentLogReader reader) =>
        reader.DefaultRoots(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>Imports one agent's logs. Cancellation stops between lines; the report then says Stopped.</summary>
    public TokenUsageImportReport Import(AgentLogReader reader, HistoryImportOptions options, CancellationToken cancellationToken)
    {
        var roots = options.Paths ?? DefaultRoots(reader);
        var files = reader.FindFiles(roots).Distinct(StringComparer.Ordinal).ToList();
        var totals = new Totals();
        var stopped = false;
        var lastSave = Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < files.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                options.Progress?.Invoke(new TokenUsageImportProgress(reader.Source, i, files.Count, files[i], totals.Found));
                ImportFile(reader, files[i], options, totals, cancellationToken);
                Flush(options, totals, whenBelow: options.BatchEvents);
                if (_unsaved && lastSave.Elapsed >= SaveEvery)
                {
                    _checkpoints.Save();
                    _unsaved = false;
                    lastSave.Restart();
                }
            }

            Flush(options, totals, whenBelow: 0);
            options.Progress?.Invoke(new TokenUsageImportProgress(reader.Source, files.Count, files.Count, null, totals.Found));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Lines read but not written are dropped with their checkpoints: the next run reads them again.
            stopped = true;
            _pending.Clear();
            _pendingCheckpoints.Clear();
        }
        finally
        {
            if (_unsaved)
            {
                _checkpoints.Save();
                _unsaved = false;
            }
        }

        return totals.Report(reader.Source, roots, files.Count, options.WhatIf, stopped);
    }

    /// <summary>
    /// Writes the pending events when they are at least <paramref name="whenBelow"/> (0: always), then moves the
    /// checkpoints of the lines they came from (saved to disk every few seconds and at the end).
    /// </summary>
    private void Flush(HistoryImportOptions options, Totals totals, int whenBelow)
    {
        var due = whenBelow > 0 ? _pending.Count >= whenBelow : _pending.Count > 0 || _pendingCheckpoints.Count > 0;
        if (!due)
        {
            return;
        }

        totals.Add(_store.ImportLogged(_pending, options.WhatIf));
        _pending.Clear();
        foreach (var (file, checkpoint) in _pendingCheckpoints)
        {
            _checkpoints.Set(file, checkpoint);
            _unsaved = true;
        }

        _pendingCheckpoints.Clear();
    }

    /// <summary>Reads a file's new lines into the pending batch, writing whenever the batch is full.</summary>
    private void ImportFile(AgentLogReader reader, string file, HistoryImportOptions options, Totals totals, CancellationToken cancellationToken)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(file);
            if (!info.Exists)
            {
                return;
            }
        }
        catch (IOException)
        {
            return;
        }

        var size = info.Length;
        var modified = info.LastWriteTimeUtc.Ticks;
        var checkpoint = _checkpoints.Get(file);
        if (checkpoint is not null && checkpoint.Size == size && checkpoint.ModifiedTicks == modified && checkpoint.Offset >= size)
        {
            return;
        }

        var (offset, state) = StartOf(reader, file, size, checkpoint, totals);
        totals.FilesRead++;
        try
        {
            using var log = new LogFileReader(reader, file, offset, state);
            LogFileSlice slice;
            do
            {
                slice = log.ReadSlice(options.BatchEvents, cancellationToken);
                foreach (var usageEvent in slice.Events)
                {
                    usageEvent.Cost ??= _prices.Cost(usageEvent);
                }

                totals.Add(slice);
                _pending.AddRange(slice.Events);
                if (!options.WhatIf && (slice.EndOffset != offset || checkpoint is null))
                {
                    var headLength = (int)Math.Min(LogFileReader.HeadBytes, slice.EndOffset);
                    _pendingCheckpoints.Add((file, new LogCheckpoint
                    {
                        Size = size,
                        ModifiedTicks = modified,
                        Offset = slice.EndOffset,
                        HeadLength = headLength,
                        HeadHash = LogFileReader.HashHead(file, headLength),
                        State = Clone(log.State),
                    }));
                }

                if (slice.More)
                {
                    Flush(options, totals, whenBelow: options.BatchEvents);
                }
            }
            while (slice.More);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file that vanished or cannot be opened is left for the next run.
            totals.Unreadable++;
        }
    }

    /// <summary>Where to start reading: after the checkpoint when the file only grew, else from the start.</summary>
    private static (long Offset, LogFileState State) StartOf(AgentLogReader reader, string file, long size, LogCheckpoint? checkpoint, Totals totals)
    {
        if (checkpoint is null)
        {
            return (0, new LogFileState());
        }

        if (!reader.IsWholeFile(file)
            && size >= checkpoint.Offset
            && checkpoint.HeadLength <= size
            && LogFileReader.HashHead(file, checkpoint.HeadLength) == checkpoint.HeadHash)
        {
            return (checkpoint.Offset, Clone(checkpoint.State));
        }

        totals.FilesReread++;
        return (0, new LogFileState());
    }

    private static LogFileState Clone(LogFileState state) =>
        JsonSerializer.Deserialize<LogFileState>(JsonSerializer.SerializeToUtf8Bytes(state))!;

    /// <summary>The running counts of one source's import.</summary>
    private sealed class Totals
    {
        private LoggedImportResult _store = new();

        public int FilesRead { get; set; }

        public int FilesReread { get; set; }

        public int Unreadable { get; set; }

        public long Found { get; private set; }

        private long Skipped { get; set; }

        private long Estimated { get; set; }

        public void Add(LogFileSlice slice)
        {
            Found += slice.Events.Count;
            Skipped += slice.SkippedLines;
            Estimated += slice.Events.Count(e => e.Estimated);
        }

        public void Add(LoggedImportResult result)
        {
            _store = new LoggedImportResult
            {
                Added = _store.Added + result.Added,
                AlreadyLive = _store.AlreadyLive + result.AlreadyLive,
                Duplicates = _store.Duplicates + result.Duplicates,
                Linked = _store.Linked + result.Linked,
                Matched = _store.Matched + result.Matched,
                LogInput = _store.LogInput + result.LogInput,
                ProxyInput = _store.ProxyInput + result.ProxyInput,
                LogOutput = _store.LogOutput + result.LogOutput,
                ProxyOutput = _store.ProxyOutput + result.ProxyOutput,
                LogCache = _store.LogCache + result.LogCache,
                ProxyCache = _store.ProxyCache + result.ProxyCache,
            };
        }

        public TokenUsageImportReport Report(UsageSource source, IReadOnlyList<string> roots, int files, bool whatIf, bool stopped) => new()
        {
            Source = source,
            Paths = roots,
            WhatIf = whatIf,
            Stopped = stopped,
            Files = files,
            FilesRead = FilesRead,
            FilesReread = FilesReread,
            FilesUnreadable = Unreadable,
            EventsFound = Found,
            Added = _store.Added,
            AlreadyCapturedLive = _store.AlreadyLive,
            DuplicatesSkipped = _store.Duplicates,
            LiveEventsLinked = _store.Linked,
            SkippedLines = Skipped,
            Estimated = Estimated,
            MatchedRequests = _store.Matched,
            LogInputTokens = _store.LogInput,
            ProxyInputTokens = _store.ProxyInput,
            LogOutputTokens = _store.LogOutput,
            ProxyOutputTokens = _store.ProxyOutput,
            LogCacheTokens = _store.LogCache,
            ProxyCacheTokens = _store.ProxyCache,
        };
    }
}
