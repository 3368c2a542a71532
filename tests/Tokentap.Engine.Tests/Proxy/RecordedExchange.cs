// One exchange as a test tap saw it: the calls in order, the decoded body, WebSocket messages and the completion.
using System.Text;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Proxy;

/// <summary>A tap that keeps everything it is given and checks the call contract (one at a time, completion last).</summary>
public sealed class RecordedExchange : IExchangeTap
{
    private readonly RecordingObserver _owner;
    private readonly MemoryStream _body = new();
    private readonly TaskCompletionSource<ExchangeCompletion> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inCall;

    public RecordedExchange(ExchangeRequest request, RecordingObserver owner)
    {
        Request = request;
        _owner = owner;
    }

    public ExchangeRequest Request { get; }

    public ExchangeResponseHead? Head { get; private set; }

    public List<string> Calls { get; } = new();

    public List<(WebSocketMessageDirection Direction, bool IsText, byte[] Payload)> Messages { get; } = new();

    /// <summary>Set when a tap call overlapped another or came after completion (must never happen).</summary>
    public bool ContractViolated { get; private set; }

    public Task<ExchangeCompletion> Completed => _completed.Task;

    public ExchangeCompletion? Completion => _completed.Task.IsCompleted ? _completed.Task.Result : null;

    public byte[] Body
    {
        get
        {
            lock (_body)
            {
                return _body.ToArray();
            }
        }
    }

    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>Body pieces in arrival order (sizes), to check incremental delivery.</summary>
    public List<int> BodyPieces { get; } = new();

    public void OnResponseHead(ExchangeResponseHead head)
    {
        Enter("head");
        Head = head;
        Leave();
    }

    public void OnResponseBody(ReadOnlySpan<byte> decoded)
    {
        Enter("body");
        try
        {
            _owner.OnBody?.Invoke(this);
            lock (_body)
            {
                _body.Write(decoded);
                BodyPieces.Add(decoded.Length);
            }
        }
        finally
        {
            Leave();
        }
    }

    public void OnWebSocketMessage(WebSocketMessageDirection direction, bool isText, ReadOnlySpan<byte> payload)
    {
        Enter("ws");
        lock (Messages)
        {
            Messages.Add((direction, isText, payload.ToArray()));
        }

        Leave();
    }

    public void OnCompleted(ExchangeCompletion completion)
    {
        Enter("completed");
        Leave();
        _completed.TrySetResult(completion);
    }

    private void Enter(string call)
    {
        if (Interlocked.Exchange(ref _inCall, 1) != 0 || _completed.Task.IsCompleted)
        {
            ContractViolated = true;
        }

        lock (Calls)
        {
            Calls.Add(call);
        }
    }

    private void Leave() => Volatile.Write(ref _inCall, 0);
}
