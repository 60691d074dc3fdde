namespace Vigil.Review;

/// <summary>Who is reviewing: a reviewer key's name, or an admin key's (a senior reviewer, who also gets escalated cases).</summary>
/// <param name="Name">The key's name (the audit log's actor).</param>
/// <param name="Senior">True for senior reviewers.</param>
public sealed record Reviewer(string Name, bool Senior);
