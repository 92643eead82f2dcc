// Live updates and presence on the plan page (see issue #5).
