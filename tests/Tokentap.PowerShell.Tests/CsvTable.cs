// Parses the CSV Export-Csv writes (a header row, every field quoted, quotes doubled) into rows keyed by column.
using System.Text;

namespace Tokentap.PowerShell.Tests;

public static class CsvTable
{
    /// <summary>The data rows, each a column name to value map, in file order.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Parse(string text)
    {
        var records = Records(text);
        Assert.NotEmpty(records);
        var header = records[0];
        return records.Skip(1)
            .Select(fields =>
            {
                Assert.Equal(header.Count, fields.Count);
                return (IReadOnlyDictionary<string, string>)header.Zip(fields).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
            })
            .ToList();
    }

    private static List<List<string>> Records(string text)
    {
        var records = new List<List<string>>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var atFieldStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && atFieldStart)
            {
                quoted = true;
                atFieldStart = false;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                atFieldStart = true;
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                records.Add(fields);
                fields = new List<string>();
                atFieldStart = true;
            }
            else
            {
                field.Append(c);
                atFieldStart = false;
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add(fields);
        }

        return records;
    }
}
