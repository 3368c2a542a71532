// Cuts JSON objects out of a non-SSE body: a single JSON response, or the elements of a JSON-array stream.
using System.Buffers;

namespace Tokentap.Engine.Providers;

/// <summary>
/// Hands over each top-level JSON object of a body, and each object element of a top-level array (Gemini's
/// streamGenerateContent without alt=sse sends "[{...}\r\n,{...}]" over time). Tracks only nesting, strings and
/// escapes, so arbitrary chunk boundaries (inside strings, escapes or UTF-8 sequences) are fine. Object bytes are
/// copied into a pooled buffer until the object closes.
/// </summary>
internal sealed class JsonObjectSplitter : IDisposable
{
    private static readonly SearchValues<byte> Structural = SearchValues.Create("{}[]\""u8);
    private static readonly SearchValues<byte> StringSpecial = SearchValues.Create("\"\\"u8);

    private readonly IPayloadHandler _handler;
    private readonly PooledBuffer _object;
    private int _depth;
    private bool _rootIsArray;
    private bool _capturing;
    private int _captureDepth;
    private bool _inString;
    private bool _escaped;
    private bool _tooLarge;

    public JsonObjectSplitter(IPayloadHandler handler, int maxObjectBytes)
    {
        _handler = handler;
        _object = new PooledBuffer(maxObjectBytes);
    }

    /// <summary>Feeds the next piece of the body.</summary>
    public void Feed(ReadOnlySpan<byte> chunk)
    {
        var captureStart = 0;
        var i = 0;
        while (i < chunk.Length)
        {
            if (_inString)
            {
                if (_escaped)
                {
                    _escaped = false;
                    i++;
                    continue;
                }

                var special = chunk[i..].IndexOfAny(StringSpecial);
                if (special < 0)
                {
                    break;
                }

                i += special;
                if (chunk[i] == (byte)'\\')
                {
                    _escaped = true;
                }
                else
                {
                    _inString = false;
                }

                i++;
                continue;
            }

            var next = chunk[i..].IndexOfAny(Structural);
            if (next < 0)
            {
                break;
            }

            i += next;
            var b = chunk[i];
            switch (b)
            {
                case (byte)'"':
                    _inString = true;
                    break;
                case (byte)'{':
                case (byte)'[':
                    if (_depth == 0 && b == (byte)'[')
                    {
                        _rootIsArray = true;
                    }
                    else if (!_capturing && b == (byte)'{' && (_depth == 0 || (_depth == 1 && _rootIsArray)))
                    {
                        _capturing = true;
                        _captureDepth = _depth;
                        captureStart = i;
                        _object.Clear();
                        _tooLarge = false;
                    }

                    _depth++;
                    break;
                default:
                    _depth--;
                    if (_depth < 0)
                    {
                        _depth = 0;
                        _rootIsArray = false;
                    }

                    if (_capturing && _depth == _captureDepth)
                    {
                        Capture(chunk[captureStart..(i + 1)]);
                        _capturing = false;
                        if (!_tooLarge)
                        {
                            _handler.OnPayload(ReadOnlySpan<byte>.Empty, _object.Span);
                        }

                        _object.Clear();
                    }

                    if (_depth == 0)
                    {
                        _rootIsArray = false;
                    }

                    break;
            }

            i++;
        }

        if (_capturing)
        {
            Capture(chunk[captureStart..]);
        }
    }

    public void Dispose() => _object.Dispose();

    private void Capture(ReadOnlySpan<byte> bytes)
    {
        if (!_tooLarge && !_object.Append(bytes))
        {
            _tooLarge = true;
            _object.Clear();
            _handler.OnFramingError(_object.RefusedByBudget
                ? "a JSON object was skipped: Tokentap's shared memory budget for decoded responses was in use by other responses"
                : "a JSON object exceeded the size limit and was skipped");
        }
    }
}
