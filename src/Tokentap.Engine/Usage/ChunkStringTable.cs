// The string table of one usage chunk: each label written once, referred to by index.
using System.Text;

namespace Tokentap.Engine.Usage;

/// <summary>The strings of a chunk, each written once and referred to by index.</summary>
internal sealed class ChunkStringTable
{
    private readonly Dictionary<string, int> _index;
    private readonly List<string> _strings;

    /// <summary>A table sized for about <paramref name="expected"/> strings (most events bring two of their own: request and message ids).</summary>
    public ChunkStringTable(int expected = 0)
    {
        _index = new(expected, StringComparer.Ordinal);
        _strings = new(expected);
    }

    public int ByteCount { get; private set; }

    public uint Index(string value)
    {
        if (!_index.TryGetValue(value, out var index))
        {
            index = _strings.Count;
            _index.Add(value, index);
            _strings.Add(value);
            ByteCount += Encoding.UTF8.GetByteCount(value) + 5;
        }

        return (uint)index;
    }

    public void WriteTo(ref ChunkWriter writer)
    {
        writer.WriteVarint((ulong)_strings.Count);
        foreach (var value in _strings)
        {
            writer.WriteString(value);
        }
    }
}
