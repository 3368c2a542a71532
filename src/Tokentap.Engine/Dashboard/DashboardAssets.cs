// The dashboard's page, script, styles and icon, embedded in the engine assembly and served with their content types.
using System.Reflection;

namespace Tokentap.Engine.Dashboard;

/// <summary>
/// The static files of the dashboard by URL path. They are embedded resources of the engine (nothing is fetched from a
/// CDN, so the page works offline and nothing outside the module can change it), read once.
/// </summary>
internal static class DashboardAssets
{
    private static readonly Lazy<IReadOnlyDictionary<string, DashboardResponse>> Files = new(Load);

    /// <summary>The file served at a path, or null.</summary>
    public static DashboardResponse? Find(string path) => Files.Value.GetValueOrDefault(path);

    /// <summary>Every served path (tests check each one's content type).</summary>
    public static IReadOnlyCollection<string> Paths => Files.Value.Keys.ToList();

    private static IReadOnlyDictionary<string, DashboardResponse> Load()
    {
        var files = new (string Path, string Resource, string ContentType)[]
        {
            ("/", "index.html", "text/html; charset=utf-8"),
            ("/app.js", "app.js", "text/javascript; charset=utf-8"),
            ("/app.css", "app.css", "text/css; charset=utf-8"),
            ("/icon.svg", "icon.svg", "image/svg+xml"),
        };
        var assembly = typeof(DashboardAssets).Assembly;
        return files.ToDictionary(f => f.Path, f => new DashboardResponse(200, f.ContentType, Read(assembly, "Tokentap.Engine.Dashboard.Assets." + f.Resource)), StringComparer.Ordinal);
    }

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"The engine assembly lacks its resource {name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
