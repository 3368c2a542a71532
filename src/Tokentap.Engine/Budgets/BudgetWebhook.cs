// Posts budget alerts to a chat webhook (Slack and Discord accept the same JSON) from a background worker.
using System.Net.Http.Json;
using System.Threading.Channels;

namespace Tokentap.Engine.Budgets;

/// <summary>
/// A bounded queue (the oldest alert is dropped when it is full) drained by one background task; each POST has a
/// timeout, and a failure is kept for <see cref="TakeFailure"/>, never thrown. The proxy never waits for it.
/// </summary>
internal sealed class BudgetWebhook : IDisposable
{
    private readonly Channel<TokentapBudgetAlert> _queue = Channel.CreateBounded<TokentapBudgetAlert>(
        new BoundedChannelOptions(100) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly HttpClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;
    private string? _failure;

    public BudgetWebhook(Uri target, TimeSpan timeout)
    {
        Target = target;
        _client = new HttpClient { Timeout = timeout };
        _worker = Task.Run(RunAsync);
    }

    /// <summary>Where alerts go.</summary>
    public Uri Target { get; }

    /// <summary>Queues an alert; never blocks.</summary>
    public void Post(TokentapBudgetAlert alert) => _queue.Writer.TryWrite(alert);

    /// <summary>The last failure not yet reported, or null.</summary>
    public string? TakeFailure() => Interlocked.Exchange(ref _failure, null);

    public void Dispose()
    {
        _queue.Writer.TryComplete();

        // Alerts already queued get a moment to leave; then the worker is cut.
        if (!_worker.Wait(_client.Timeout + TimeSpan.FromSeconds(1)))
        {
            _stop.Cancel();
            _worker.Wait(TimeSpan.FromSeconds(1));
        }

        _client.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var alert in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    using var response = await _client.PostAsJsonAsync(Target, new WebhookMessage(alert.Message, alert.Message), _stop.Token).ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode)
                    {
                        Volatile.Write(ref _failure, $"Budgets: the webhook {Target.Host} answered {(int)response.StatusCode} to an alert.");
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    Volatile.Write(ref _failure, $"Budgets: posting an alert to the webhook {Target.Host} failed: {ex.Message}");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed while alerts were still queued: they are dropped.
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _failure, $"Budgets: the webhook worker stopped: {ex.Message}");
        }
    }

    private sealed record WebhookMessage(string text, string content);
}
