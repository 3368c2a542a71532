// Incremental Server-Sent Events decoder: bytes in at arbitrary boundaries, complete events out.
namespace Tokentap.Engine.Providers;

/// <summary>
/// Decodes text/event-stream per the WHATWG rules: lines end in CRLF, LF or CR (a CR at a chunk end followed by LF
/// in the next chunk is one line end); "data:" lines of one event join with LF; "event:" names it; lines starting
/// with ':' are comments (pings); a blank line dispatches. Works on bytes, so a UTF-8 character split across chunks
/// needs no care. Complete lines are handed over straight from the chunk; only a line cut by a chunk boundary and an
/// event's data are copied, into pooled buffers.
/// </summary>
internal sealed class SseDecoder : IDisposable
{
    private readonly IPayloadHandler _handler;
    private readonly PooledBuffer _line;
    private readonly PooledBuffer _data;
    private readonly PooledBuffer _eventName;
    private bool _afterCarriageReturn;
    private bool _hasData;
    private bool _discarding;
    private bool _lineTooLong;

    public SseDecoder(IPayloadHandler handler, int maxEventBytes)
    {
        _handler = handler;
        _line = new PooledBuffer(maxEventBytes);
        _data = new PooledBuffer(maxEventBytes);
        _eventName = new PooledBuffer(256);
    }

    /// <summary>Feeds the next piece of the stream.</summary>
    public void Feed(ReadOnlySpan<byte> chunk)
    {
        while (!chunk.IsEmpty)
        {
            if (_afterCarriageReturn)
            {
                _afterCarriageReturn = false;
                if (chunk[0] == (byte)'\n')
                {
                    chunk = chunk[1..];
                    continue;
                }
            }

            var end = chunk.IndexOfAny((byte)'\r', (byte)'\n');
            if (end < 0)
            {
                if (!_lineTooLong && !_line.Append(chunk))
                {
                    DropLongLine();
                }

                return;
            }

            if (_lineTooLong)
            {
                _lineTooLong = false;
            }
            else if (_line.Length == 0)
            {
                ProcessLine(chunk[..end]);
            }
            else if (_line.Append(chunk[..end]))
            {
                ProcessLine(_line.Span);
                _line.Clear();
            }
            else
            {
                DropLongLine();
                _lineTooLong = false;
            }

            _afterCarriageReturn = chunk[end] == (byte)'\r';
            chunk = chunk[(end + 1)..];
        }
    }

    /// <summary>The stream ended: a last line and a last event without their terminators are still delivered.</summary>
    public void Finish()
    {
        if (_line.Length > 0 && !_lineTooLong)
        {
            ProcessLine(_line.Span);
            _line.Clear();
        }

        Dispatch();
    }

    public void Dispose()
    {
        _line.Dispose();
        _data.Dispose();
        _eventName.Dispose();
    }

    private void ProcessLine(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            Dispatch();
            return;
        }

        if (_discarding || line[0] == (byte)':')
        {
            return;
        }

        var colon = line.IndexOf((byte)':');
        var field = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? ReadOnlySpan<byte>.Empty : line[(colon + 1)..];
        if (!value.IsEmpty && value[0] == (byte)' ')
        {
            value = value[1..];
        }

        if (field.SequenceEqual("data"u8))
        {
            if ((_hasData && !_data.Append((byte)'\n')) || !_data.Append(value))
            {
                StartDiscarding();
                return;
            }

            _hasData = true;
        }
        else if (field.SequenceEqual("event"u8))
        {
            _eventName.Clear();
            if (!_eventName.Append(value))
            {
                _eventName.Clear();
            }
        }
    }

    private void Dispatch()
    {
        if (_hasData && !_discarding)
        {
            _handler.OnPayload(_eventName.Span, _data.Span);
        }

        _discarding = false;
        _hasData = false;
        _data.Clear();
        _eventName.Clear();
    }

    // A line longer than the limit: it and the rest of its event are dropped.
    private void DropLongLine()
    {
        _lineTooLong = true;
        _line.Clear();
        StartDiscarding();
    }

    private void StartDiscarding()
    {
        if (!_discarding)
        {
            _discarding = true;
            _handler.OnFramingError(_line.RefusedByBudget || _data.RefusedByBudget
                ? "an SSE event was skipped: Tokentap's shared memory budget for decoded responses was in use by other responses"
                : "an SSE event exceeded the size limit and was skipped");
        }

        _data.Clear();
    }
}
