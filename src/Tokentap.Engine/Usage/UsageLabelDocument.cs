// The distinct label values (providers, models, apps, sessions, projects) kept for cheap tab completion.
using System.Security.Cryptography;
using System.Text;
using LiteDB;

namespace Tokentap.Engine.Usage;

/// <summary>One known value of one label. Added with the events that carry it; rebuilt from rollups after removals.</summary>
internal static class UsageLabelDocument
{
    public const string Field = "f";
    public const string Value = "v";

    public static Guid IdOf(UsageField field, string value)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes((int)field + ":" + value), hash);
        return new Guid(hash[..16]);
    }

    public static BsonDocument ToDocument(UsageField field, string value) => new()
    {
        ["_id"] = IdOf(field, value),
        [Field] = (int)field,
        [Value] = value,
    };

    /// <summary>The label values an event carries (empty and missing labels have nothing to complete).</summary>
    public static IEnumerable<(UsageField Field, string Value)> LabelsOf(string? provider, string? model, string? app, string? session, string? project)
    {
        if (!string.IsNullOrEmpty(provider))
        {
            yield return (UsageField.Provider, provider);
        }

        if (!string.IsNullOrEmpty(model))
        {
            yield return (UsageField.Model, model);
        }

        if (!string.IsNullOrEmpty(app))
        {
            yield return (UsageField.App, app);
        }

        if (!string.IsNullOrEmpty(session))
        {
            yield return (UsageField.Session, session);
        }

        if (!string.IsNullOrEmpty(project))
        {
            yield return (UsageField.Project, project);
        }
    }
}
