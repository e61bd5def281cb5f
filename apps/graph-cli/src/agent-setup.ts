// The agent choice and the review service live in @st3/executor (the MCP review_action tool uses them too).
export { chooseAgent, openReviewService, savedSelection, type AgentChoice } from '@st3/executor';
