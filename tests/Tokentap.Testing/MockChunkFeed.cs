// Lets a test decide when a streaming mock response sends each chunk, so it can check what the client holds meanwhile.
using System.Text;
using System.Threading.Channels;

namespace Tokentap.Testing;

/// <summary>
/// A response body fed by the test: each <see cref="Send(string)"/> is written and flushed as one chunk (chunked
/// transfer coding, no Content-Length), <see cref="Complete"/> ends the body, <see cref="Cut"/> aborts the connection.
/// Use with <see cref="MockResponses.Stream"/>; one feed serves one request.
/// </summary>
public sealed class MockChunkFeed
{
    private readonly Channel<(byte[]? Data, bool Cut)> _chunks = Channel.CreateUnbounded<(byte[]?, bool)>();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _written;

    /// <summary>Completes when the response head was sent.</summary>
    public Task Started => _started.Task;

    /// <summary>Completes when the handler ended: true when the client went away (RequestAborted) first.</summary>
    public Task<bool> Finished => _finished.Task;

    /// <summary>How many chunks were written and flushed so far.</summary>
    public int ChunksWritten => Volatile.Read(ref _written);

    public void Send(string text) => Send(Encoding.UTF8.GetBytes(text));

    public void Send(byte[] data) => _chunks.Writer.TryWrite((data, false));

    public void Complete() => _chunks.Writer.TryComplete();

    /// <summary>Aborts the connection after the chunks sent so far.</summary>
    public void Cut() => _chunks.Writer.TryWrite((null, true));

    internal async Task RunAsync(MockContext context)
    {
        var aborted = false;
        try
        {
            await context.StartAsync();
            _started.TrySetResult();
            await foreach (var (data, cut) in _chunks.Reader.ReadAllAsync(context.Aborted))
            {
                if (cut)
                {
                    context.AbortConnection();
                    return;
                }

                await context.WriteAsync(data!);
                Interlocked.Increment(ref _written);
            }
        }
        catch (OperationCanceledException) when (context.Aborted.IsCancellationRequested)
        {
            aborted = true;
        }
        catch (IOException)
        {
            aborted = true;
        }
        finally
        {
            _started.TrySetResult();
            _finished.TrySetResult(aborted || context.Aborted.IsCancellationRequested);
        }
    }
}
