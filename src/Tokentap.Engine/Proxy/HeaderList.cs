// An ordered list of HTTP header fields as they appeared on the wire, with case-insensitive look-up.
using System.Collections;

namespace Tokentap.Engine.Proxy;

/// <summary>HTTP header fields in wire order; names keep their case, look-ups ignore it.</summary>
public sealed class HeaderList : IReadOnlyList<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _fields;

    public HeaderList() => _fields = new List<KeyValuePair<string, string>>();

    public HeaderList(IEnumerable<KeyValuePair<string, string>> fields) => _fields = new List<KeyValuePair<string, string>>(fields);

    public int Count => _fields.Count;

    public KeyValuePair<string, string> this[int index] => _fields[index];

    /// <summary>Appends a field.</summary>
    public void Add(string name, string value) => _fields.Add(new KeyValuePair<string, string>(name, value));

    /// <summary>Removes every field with this name; returns how many were removed.</summary>
    public int Remove(string name) => _fields.RemoveAll(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Replaces every field with this name by one field.</summary>
    public void Set(string name, string value)
    {
        Remove(name);
        Add(name, value);
    }

    /// <summary>The first value of the named field, or null.</summary>
    public string? Get(string name)
    {
        foreach (var field in _fields)
        {
            if (string.Equals(field.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return field.Value;
            }
        }

        return null;
    }

    /// <summary>True when the named field is present.</summary>
    public bool Contains(string name) => Get(name) is not null;

    /// <summary>The fields in order; a struct enumerator, so a foreach over the list allocates nothing.</summary>
    public List<KeyValuePair<string, string>>.Enumerator GetEnumerator() => _fields.GetEnumerator();

    IEnumerator<KeyValuePair<string, string>> IEnumerable<KeyValuePair<string, string>>.GetEnumerator() => _fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _fields.GetEnumerator();
}
