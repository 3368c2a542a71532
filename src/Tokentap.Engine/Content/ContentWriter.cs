// The one writer of content files: a bounded queue the proxy path only adds to, drained by a named thread.
using System.Collections.Concurrent;

namespace Tokentap.Engine.Content;

/// <summary>
/// Takes records from the capture (never blocking it: a full queue drops the record and counts it), redacts the
/// response text and tool calls, writes the file and keeps the folder within its cap. Every failure is recorded and
/// counted; nothing escapes the thread.
/// </summary>
internal sealed class ContentWriter : IDisposable
{
    private const int Capacity = 256;
    private readonly BlockingCollection<object> _queue = new(Capacity);
    private readonly ContentStore _store;
    private readonly ContentSettings _settings;
    private readonly Redaction _redaction;
    private readonly Thread _thread;
    private long _written;
    private long _dropped;
    private long _failures;
    private string? _lastFailure;
    private long _bytesSinceEnforce = long.MaxValue / 2;

    public ContentWriter(ContentStore store, ContentSettings settings, Redaction redaction)
    {
        _store = store;
        _settings = settings;
        _redaction = redaction;
        _thread = new Thread(Run) { IsBackground = true, Name = "Tokentap content writer" };
        _thread.Start();
    }

    public long Written => Interlocked.Read(ref _written);

    public long Dropped => Interlocked.Read(ref _dropped);

    public long Failures => Interlocked.Read(ref _failures);

    public string? LastFailure => Volatile.Read(ref _lastFailure);

    /// <summary>Queues a record; never throws, never blocks.</summary>
    public void Publish(ContentRecord record)
    {
        try
        {
            if (!_queue.TryAdd(record))
            {
                Interlocked.Increment(ref _dropped);
            }
        }
        catch (InvalidOperationException)
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Waits until every record queued before the call is on disk.</summary>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _queue.Add(done);
        }
        catch (InvalidOperationException)
        {
            done.TrySetResult();
        }

        return done.Task;
    }

    /// <summary>Writes what is queued (up to <paramref name="timeout"/>) and ends the thread.</summary>
    public void Stop(TimeSpan timeout)
    {
        if (!_queue.IsAddingCompleted)
        {
            _queue.CompleteAdding();
        }

        _thread.Join(timeout);
    }

    public void Dispose()
    {
        Stop(TimeSpan.FromSeconds(10));
        if (!_thread.IsAlive)
        {
            _queue.Dispose();
        }
    }

    private void Run()
    {
        try
        {
            foreach (var item in _queue.GetConsumingEnumerable())
            {
                if (item is TaskCompletionSource flushed)
                {
                    flushed.TrySetResult();
                }
                else if (item is ContentRecord record)
                {
                    Write(record);
                }
            }
        }
        catch (Exception ex)
        {
            Failed(ex);
        }
    }

    private void Write(ContentRecord record)
    {
        try
        {
            var redacted = record with
            {
                ResponseText = _redaction.Apply(record.ResponseText),
                ToolCalls = record.ToolCalls.Select(t => new ContentToolCall(_redaction.Apply(t.Name), _redaction.Apply(t.Arguments))).ToList(),
            };
            _bytesSinceEnforce += _store.Write(redacted);
            Interlocked.Increment(ref _written);

            // The folder is listed again only after a tenth of the cap was written (and at the first write).
            if (_bytesSinceEnforce >= Math.Max(1, _settings.MaxContentBytes / 10))
            {
                _bytesSinceEnforce = 0;
                _store.Enforce(_settings.MaxContentBytes, _settings.RetentionDays, DateTime.UtcNow);
            }
        }
        catch (Exception ex)
        {
            Failed(ex);
        }
    }

    private void Failed(Exception ex)
    {
        Interlocked.Increment(ref _failures);
        Volatile.Write(ref _lastFailure, $"{DateTime.UtcNow:O} writing captured content: {ex.GetType().Name}: {ex.Message}");
    }
}
