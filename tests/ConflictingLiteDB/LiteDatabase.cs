// A same-named stand-in for another module's LiteDB: same assembly name and type name, different version and API.
namespace LiteDB;

/// <summary>Exists so the test can load "LiteDB, Version=4.1.4.0" into the default context.</summary>
public sealed class LiteDatabase
{
    /// <summary>Identifies this assembly as the conflicting copy.</summary>
    public const string Marker = "conflicting LiteDB 4.1.4";
}
