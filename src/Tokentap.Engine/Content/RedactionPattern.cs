// One secret shape content capture removes: its kind, its regular expression, and the literals it cannot match without.
using System.Text.RegularExpressions;

namespace Tokentap.Engine.Content;

/// <summary>
/// A pattern of <see cref="RedactionPatterns"/> (with <see cref="Anchors"/>) or of content.json (without: the user's
/// expressions are not analysed, so they run on every text).
/// </summary>
internal sealed record RedactionPattern(string Kind, Regex Regex, RedactionAnchors? Anchors);
