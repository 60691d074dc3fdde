using Vigil.Classifiers;

namespace Vigil.Cli.Classifying;

/// <summary>One file's outcome in <c>vigil classify</c>: its score (a video's: its highest frame's, <see cref="Video"/> says which), or why it could not be scored.</summary>
internal sealed record ClassifyRecord(string Path, MediaScore? Score, string? Error, VideoScore? Video = null);
