namespace Vigil.Exchanges.Clients.Ncmec;

/// <summary>An NCMEC hash-sharing member (an ESP or NGO that uploads entries), as <c>/v2/status</c> and <c>/v2/members</c> name them.</summary>
/// <param name="Id">NCMEC's member id (what <c>ncmec:member:ID</c> sources carry).</param>
/// <param name="Name">The member's name.</param>
public sealed record NcmecMember(int Id, string Name);
